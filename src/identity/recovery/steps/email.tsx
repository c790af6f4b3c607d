// Step "email": the address of the account whose mobile gets the code. Prefilled with the one given
// on the sign-in page, if any. Whether or not a code was sent, the next page is the code step's.
import { z } from "zod";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { normaliseEmail } from "../../accounts/accounts";
import type { JourneyDeps } from "../../journey/journey-deps";
import { ipOf, type RouteContext } from "../../journey/journey-guard";
import { saveJourney, type Journey } from "../../journey/journey-store";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { sendRecoveryCode } from "../../security-codes/code-service";
import { RecoveryEmailPage } from "../recovery-pages";
import type { RecoveryStepHandler } from "../recovery-steps";

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter the email address of your Teacher ID account")
  .max(254, "Email address must be 254 characters or fewer")
  .pipe(z.email("Enter an email address in the correct format, like name@example.com"));

/** Texts a code to the account's mobile when it has one (rate-limited either way), then the code step. */
export function textRecoveryCode(deps: JourneyDeps, journey: Journey, email: string, ctx: RouteContext, resent: boolean): Response {
  const result = sendRecoveryCode(deps.db, deps.config, { email, ip: ipOf(deps, ctx) });
  if (!result.sent && "retryAt" in result) {
    deps.logger.warn("recovery_code_rate_limited", {});
    return tooManyRequests(deps.brand, { retryAt: result.retryAt, backLink: "/recover", what: "You have asked for too many security codes." });
  }
  if (result.sent) {
    deps.nudgeOutbox();
    journey.state.recovery = { email, codeId: result.codeId, phoneEnding: result.phoneEnding };
  } else {
    journey.state.recovery = { email };
  }
  deps.logger.info("recovery_code_requested", { sent: result.sent });
  saveJourney(deps.db, journey);
  return seeOther(resent && result.sent ? "/recover/code?resent=1" : "/recover/code");
}

export function emailStep(deps: JourneyDeps): { show: RecoveryStepHandler; answer: RecoveryStepHandler } {
  return {
    show: (journey, ctx) =>
      htmlResponse(<RecoveryEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} email={journey.state.recovery?.email ?? journey.state.signIn?.email} />),
    answer: (journey, ctx) => {
      const typed = formFields(ctx.body).email;
      const parsed = emailSchema.safeParse(typed ?? "");
      if (!parsed.success)
        return htmlResponse(<RecoveryEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} email={typed} error={parsed.error.issues[0].message} />, 400);
      return textRecoveryCode(deps, journey, normaliseEmail(parsed.data), ctx, false);
    },
  };
}
