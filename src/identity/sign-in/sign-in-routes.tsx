// Sign in to an existing account: email address, then a 6-digit code sent to it. The reply after
// the email page is the same whether or not the address has an account.
import { Elysia } from "elysia";
import { z } from "zod";
import { findAccountByEmail, normaliseEmail, type Account } from "../accounts/accounts";
import { currentJourney, ipOf, queryParam, type RouteContext } from "../journey/journey-guard";
import type { JourneyDeps } from "../journey/journey-deps";
import { JourneyExpiredPage } from "../journey/journey-pages";
import { saveJourney, type Journey } from "../journey/journey-store";
import { formFields, pageResponse, seeOtherWithCookies } from "../journey/http";
import { finishJourney } from "../journey/finish";
import { retryTime, sendSignInCode, verifyCode, windowEnd } from "../security-codes/code-service";
import { normaliseCode } from "../security-codes/security-codes";
import { afterSignInWithToken } from "../register/register-service";
import { CheckEmailPage, EmailPage, ResendPage, TooManyRequestsPage } from "./sign-in-pages";

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your email address")
  .max(254, "Email address must be 254 characters or fewer")
  .pipe(z.email("Enter an email address in the correct format, like name@example.com"));

export const codeErrors = {
  missing: "Enter the security code",
  format: "Enter the security code in the correct format: 6 digits, like 123456",
  wrong: "The security code is incorrect. Check the code and try again",
  expired: "The security code has expired. Send another code",
  dead: "You entered an incorrect code too many times. Send another code",
};

export function signInRoutes(deps: JourneyDeps) {
  const { brand } = deps;
  const expired = () => pageResponse(<JourneyExpiredPage brand={brand} />, { status: 400 });

  const sendCode = (journey: Journey, email: string, ctx: RouteContext, resent: boolean) => {
    const result = sendSignInCode(deps.db, deps.config, { email, ip: ipOf(deps, ctx) });
    if (result.sent) deps.nudgeOutbox();
    if (!result.sent) {
      deps.logger.warn("sign_in_code_rate_limited", {});
      return pageResponse(
        <TooManyRequestsPage brand={brand} retryAt={retryTime(result.retryAt)} backLink="/sign-in" what="You have asked for too many security codes." />,
        { status: 429 },
      );
    }
    journey.state.signIn = { email };
    saveJourney(deps.db, journey);
    return seeOtherWithCookies(resent ? "/sign-in/code?resent=1" : "/sign-in/code");
  };

  return new Elysia({ name: "identity-sign-in" })
    .get("/sign-in", (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      if (!journey) return expired();
      return pageResponse(
        <EmailPage
          brand={brand}
          csrfToken={ctx.csrfToken}
          email={journey.state.signIn?.email}
          registering={!!journey.state.registration}
          backLink={journey.state.registration ? "/register" : undefined}
        />,
      );
    })
    .post("/sign-in", (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      if (!journey) return expired();
      const form = formFields(ctx.body);
      const parsed = emailSchema.safeParse(form.email ?? "");
      if (!parsed.success) {
        return pageResponse(
          <EmailPage
            brand={brand}
            csrfToken={ctx.csrfToken}
            email={form.email}
            error={parsed.error.issues[0].message}
            registering={!!journey.state.registration}
            backLink={journey.state.registration ? "/register" : undefined}
          />,
          { status: 400 },
        );
      }
      return sendCode(journey, normaliseEmail(parsed.data), ctx, false);
    })
    .get("/sign-in/code", (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      if (!journey) return expired();
      const email = journey.state.signIn?.email;
      if (!email) return seeOtherWithCookies("/sign-in");
      return pageResponse(<CheckEmailPage brand={brand} csrfToken={ctx.csrfToken} email={email} resent={queryParam(ctx, "resent") === "1"} />);
    })
    .post("/sign-in/code", async (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      if (!journey) return expired();
      const email = journey.state.signIn?.email;
      if (!email) return seeOtherWithCookies("/sign-in");
      const typed = formFields(ctx.body).code ?? "";
      const showError = (error: string) =>
        pageResponse(<CheckEmailPage brand={brand} csrfToken={ctx.csrfToken} email={email} resent={false} error={error} code={typed} />, {
          status: 400,
        });
      if (typed.trim() === "") return showError(codeErrors.missing);
      const code = normaliseCode(typed);
      if (!code) return showError(codeErrors.format);
      const check = verifyCode(deps.db, deps.config, { purpose: "email_sign_in", destination: email, code, ip: ipOf(deps, ctx) });
      if (check === "rate_limited") {
        return pageResponse(
          <TooManyRequestsPage brand={brand} retryAt={retryTime(windowEnd(deps.config))} backLink="/sign-in/code" what="You have entered too many security codes." />,
          { status: 429 },
        );
      }
      if (check === "expired") return showError(codeErrors.expired);
      if (check === "too_many_attempts") return showError(codeErrors.dead);
      if (check !== "ok") return showError(codeErrors.wrong);
      const account = findAccountByEmail(deps.db, email);
      if (!account) return showError(codeErrors.wrong);
      deps.logger.info("signed_in", { account_id: account.id, method: "email_code" });
      return afterSignIn(deps, journey, account);
    })
    .get("/sign-in/resend", (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      if (!journey) return expired();
      const email = journey.state.signIn?.email;
      if (!email) return seeOtherWithCookies("/sign-in");
      return pageResponse(<ResendPage brand={brand} csrfToken={ctx.csrfToken} email={email} />);
    })
    .post("/sign-in/resend", (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      if (!journey) return expired();
      const email = journey.state.signIn?.email;
      if (!email) return seeOtherWithCookies("/sign-in");
      return sendCode(journey, email, ctx, true);
    });
}

/** Signed in: attach the journey's TRN token when there is one, then back to the client. */
async function afterSignIn(deps: JourneyDeps, journey: Journey, account: Account): Promise<Response> {
  if (journey.state.registration) return afterSignInWithToken(deps, journey, account);
  return finishJourney(deps, journey, account);
}
