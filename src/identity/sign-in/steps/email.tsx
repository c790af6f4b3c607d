// Step "email": the email address to send a sign-in code to. The reply is the same whether or not
// the address has an account.
import { z } from "zod";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { normaliseEmail } from "../../accounts/accounts";
import type { JourneyDeps } from "../../journey/journey-deps";
import { ipOf, type RouteContext } from "../../journey/journey-guard";
import { saveJourney, type Journey } from "../../journey/journey-store";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { sendSignInCode } from "../../security-codes/code-service";
import { EmailPage } from "../sign-in-pages";
import { signInStep } from "../sign-in-steps";
import type { SignInDeps, SignInStepHandler } from "../step-guard";

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your email address")
  .max(254, "Email address must be 254 characters or fewer")
  .pipe(z.email("Enter an email address in the correct format, like name@example.com"));

/** Sends a code to `email` (rate-limited), remembers the address, and goes to the code page. */
export function emailSignInCode(deps: JourneyDeps, journey: Journey, email: string, ctx: RouteContext, resent: boolean): Response {
  const result = sendSignInCode(deps.db, deps.config, { email, ip: ipOf(deps, ctx) });
  if (!result.sent) {
    deps.logger.warn("sign_in_code_rate_limited", {});
    return tooManyRequests(deps.brand, { retryAt: result.retryAt, backLink: "/sign-in", what: "You have asked for too many security codes." });
  }
  deps.nudgeOutbox();
  journey.state.signIn = { email, codeId: result.codeId };
  saveJourney(deps.db, journey);
  return seeOther(resent ? "/sign-in/code?resent=1" : "/sign-in/code");
}

export function emailStep(deps: SignInDeps): { show: SignInStepHandler; answer: SignInStepHandler } {
  const page = (journey: Journey, ctx: RouteContext, entered?: { email?: string; error: string }) =>
    htmlResponse(
      <EmailPage
        brand={deps.brand}
        csrfToken={ctx.csrfToken}
        email={entered ? entered.email : journey.state.signIn?.email}
        error={entered?.error}
        registering={!!journey.state.registration}
        requestId={journey.state.requestId}
        backLink={signInStep("email").back(journey.state)}
      />,
      entered ? 400 : 200,
    );
  return {
    show: (journey, ctx) => page(journey, ctx),
    answer: (journey, ctx) => {
      const form = formFields(ctx.body);
      const parsed = emailSchema.safeParse(form.email ?? "");
      if (!parsed.success) return page(journey, ctx, { email: form.email, error: parsed.error.issues[0].message });
      return emailSignInCode(deps, journey, normaliseEmail(parsed.data), ctx, false);
    },
  };
}
