// Step "email" (a detour from check answers): "Use a different email address". A new address gets a
// 6-digit code, under today's code limits and a limit per registration, so that one link cannot
// spray codes at many inboxes. The link's own address needs no code: the invitation reached it.
import { formFields, htmlResponse } from "../../../web/html";
import { ipOf, type RouteContext } from "../../journey/journey-guard";
import type { RegistrationAnswers } from "../../journey/journey-state";
import { saveJourney, type Journey } from "../../journey/journey-store";
import { hitRateLimit } from "../../rate-limit/rate-limit";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { sendEmailCode, type SendResult } from "../../security-codes/code-service";
import { registrationEmailCodeEmail } from "../../security-codes/messages";
import { findTrnToken } from "../../trn-tokens/trn-tokens";
import { parseNewEmail } from "../register-answers";
import { EmailPage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { goToNextStep, questionPageProps, type StepHandler } from "../step-guard";

/** Codes one registration may send to different addresses per RATE_LIMIT_WINDOW, whatever the address. */
export const registrationEmailCodesPerWindow = 10;

/** Emails a code to `address`, keeps it as the address waiting for its code; then the code page. */
export function emailNewAddressCode(deps: RegisterDeps, journey: Journey, address: string, ctx: RouteContext, resent: boolean): Response {
  const answers = journey.state.registration!;
  const now = Date.now();
  const perRegistration = hitRateLimit(
    deps.db,
    `registration-email-codes:${answers.trnTokenHash}`,
    { limit: registrationEmailCodesPerWindow, windowMs: deps.config.RATE_LIMIT_WINDOW },
    now,
  );
  const sent: SendResult = perRegistration.allowed
    ? sendEmailCode(
        deps.db,
        deps.config,
        { purpose: "registration_email", email: address, ip: ipOf(deps, ctx), message: (code) => registrationEmailCodeEmail(address, code) },
        now,
      )
    : { sent: false, retryAt: perRegistration.retryAt };
  if (!sent.sent) {
    deps.logger.warn("registration_email_code_rate_limited", {});
    return tooManyRequests(deps.brand, { retryAt: sent.retryAt, backLink: "/register/check-answers", what: "You have asked for too many security codes." });
  }
  deps.nudgeOutbox();
  // The code belongs to this journey and this address: only it is checked on the code page.
  answers.newEmail = { address, codeId: sent.codeId };
  saveJourney(deps.db, journey);
  return goToNextStep(deps, journey, { after: "email", query: resent ? "?resent=1" : "" });
}

export function emailStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler } {
  const page = (answers: RegistrationAnswers, ctx: RouteContext, typed?: { value?: string; error: string }) =>
    htmlResponse(
      <EmailPage {...questionPageProps(deps, ctx, "email", answers)} value={typed ? typed.value : answers.newEmail?.address} error={typed?.error} />,
      typed ? 400 : 200,
    );
  return {
    show: (_journey, answers, ctx) => page(answers, ctx),
    answer: (journey, answers, ctx) => {
      const typed = formFields(ctx.body).email;
      const parsed = parseNewEmail(typed);
      if (!parsed.ok) return page(answers, ctx, { value: typed, error: parsed.message });
      // The address in use, or back to the link's own: verified already, no code (and no change waits).
      if (parsed.value === answers.email || parsed.value === findTrnToken(deps.db, answers.trnTokenHash)?.email) {
        answers.email = parsed.value;
        delete answers.newEmail;
        return goToNextStep(deps, journey, { after: "email" });
      }
      return emailNewAddressCode(deps, journey, parsed.value, ctx, false);
    },
  };
}
