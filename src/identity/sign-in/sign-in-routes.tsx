// Sign in to an existing account: email address, then a 6-digit code sent to it. The reply after
// the email page is the same whether or not the address has an account.
import { Elysia } from "elysia";
import { z } from "zod";
import { findAccountByEmail, normaliseEmail, type Account } from "../accounts/accounts";
import { currentJourney, ipOf, queryParam, type RouteContext } from "../journey/journey-guard";
import type { JourneyDeps } from "../journey/journey-deps";
import { JourneyExpiredPage, tooManyRequests } from "../journey/journey-pages";
import { saveJourney, type Journey } from "../journey/journey-store";
import { formFields, pageResponse, seeOtherWithCookies } from "../journey/http";
import { finishJourney } from "../journey/finish";
import { checkTypedCode, codeErrors, sendSignInCode, windowEnd } from "../security-codes/code-service";
import { bindAndFinish } from "../register/register-service";
import { CheckEmailPage, EmailPage, ResendPage } from "./sign-in-pages";

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your email address")
  .max(254, "Email address must be 254 characters or fewer")
  .pipe(z.email("Enter an email address in the correct format, like name@example.com"));

export function signInRoutes(deps: JourneyDeps) {
  const { brand } = deps;
  const expired = () => pageResponse(<JourneyExpiredPage brand={brand} />, { status: 400 });

  const sendCode = (journey: Journey, email: string, ctx: RouteContext, resent: boolean) => {
    const result = sendSignInCode(deps.db, deps.config, { email, ip: ipOf(deps, ctx) });
    if (result.sent) deps.nudgeOutbox();
    if (!result.sent) {
      deps.logger.warn("sign_in_code_rate_limited", {});
      return tooManyRequests(brand, { retryAt: result.retryAt, backLink: "/sign-in", what: "You have asked for too many security codes." });
    }
    journey.state.signIn = { email };
    saveJourney(deps.db, journey);
    return seeOtherWithCookies(resent ? "/sign-in/code?resent=1" : "/sign-in/code");
  };

  const emailPage = (journey: Journey, ctx: RouteContext, entered?: { email?: string; error: string }) =>
    pageResponse(
      <EmailPage
        brand={brand}
        csrfToken={ctx.csrfToken}
        email={entered ? entered.email : journey.state.signIn?.email}
        error={entered?.error}
        registering={!!journey.state.registration}
        backLink={journey.state.registration ? "/register" : undefined}
      />,
      { status: entered ? 400 : 200 },
    );

  type Handler<T extends unknown[]> = (...args: [...T, RouteContext]) => Response | Promise<Response>;
  /** Runs the handler for the browser's journey; without one, the "timed out" page. */
  const withJourney = (handler: Handler<[Journey]>) => (c: unknown) => {
    const ctx = c as RouteContext;
    const journey = currentJourney(deps, ctx);
    return journey ? handler(journey, ctx) : expired();
  };
  /** As withJourney, once an email address has been entered; before that, the email page. */
  const withEmail = (handler: Handler<[Journey, string]>) =>
    withJourney((journey, ctx) => {
      const email = journey.state.signIn?.email;
      return email ? handler(journey, email, ctx) : seeOtherWithCookies("/sign-in");
    });

  return new Elysia({ name: "identity-sign-in" })
    .get("/sign-in", withJourney((journey, ctx) => emailPage(journey, ctx)))
    .post(
      "/sign-in",
      withJourney((journey, ctx) => {
        const form = formFields(ctx.body);
        const parsed = emailSchema.safeParse(form.email ?? "");
        if (!parsed.success) return emailPage(journey, ctx, { email: form.email, error: parsed.error.issues[0].message });
        return sendCode(journey, normaliseEmail(parsed.data), ctx, false);
      }),
    )
    .get(
      "/sign-in/code",
      withEmail((_journey, email, ctx) =>
        pageResponse(<CheckEmailPage brand={brand} csrfToken={ctx.csrfToken} email={email} resent={queryParam(ctx, "resent") === "1"} />),
      ),
    )
    .post(
      "/sign-in/code",
      withEmail((journey, email, ctx) => {
        const typed = formFields(ctx.body).code ?? "";
        const showError = (error: string) =>
          pageResponse(<CheckEmailPage brand={brand} csrfToken={ctx.csrfToken} email={email} resent={false} error={error} code={typed} />, {
            status: 400,
          });
        const check = checkTypedCode(deps.db, deps.config, { purpose: "email_sign_in", destination: email, typed, ip: ipOf(deps, ctx) });
        if (check === "rate_limited")
          return tooManyRequests(brand, { retryAt: windowEnd(deps.config), backLink: "/sign-in/code", what: "You have entered too many security codes." });
        if (check !== "ok") return showError(check.error);
        const account = findAccountByEmail(deps.db, email);
        if (!account) return showError(codeErrors.wrong);
        deps.logger.info("signed_in", { account_id: account.id, method: "email_code" });
        return afterSignIn(deps, journey, account);
      }),
    )
    .get(
      "/sign-in/resend",
      withEmail((_journey, email, ctx) => pageResponse(<ResendPage brand={brand} csrfToken={ctx.csrfToken} email={email} />)),
    )
    .post(
      "/sign-in/resend",
      withEmail((journey, email, ctx) => sendCode(journey, email, ctx, true)),
    );
}

/** Signed in: attach the journey's TRN token when there is one, then back to the client. */
async function afterSignIn(deps: JourneyDeps, journey: Journey, account: Account): Promise<Response> {
  if (journey.state.registration) return bindAndFinish(deps, journey, account);
  return finishJourney(deps, journey, account);
}
