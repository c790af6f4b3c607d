// Steps "email" and "email-code": the address, then a 6-digit code to prove it, under today's code
// rules and limits (per address and IP, per IP, per address) and a limit per journey. The reply is
// the same whether or not the address has an account; once the code proves the inbox, an address
// that has an account signs in to it (a normal sign-in), and one that has none goes on to the questions.
import { z } from "zod";
import { formFields, htmlResponse } from "../../../web/html";
import { findAccountByEmail, normaliseEmail } from "../../accounts/accounts";
import { finishJourney } from "../../journey/finish-journey";
import { ipOf, queryParam, type RouteContext } from "../../journey/journey-guard";
import type { FindRecordAnswers } from "../../journey/journey-state";
import { saveJourney, type Journey } from "../../journey/journey-store";
import { readAccountRequest } from "../../oidc/hand-off";
import { hitRateLimit } from "../../rate-limit/rate-limit";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { checkTypedCode, sendEmailCode } from "../../security-codes/code-service";
import { signInCodeEmail } from "../../security-codes/messages";
import { isSchoolOrUniversityAddress } from "../../register/register-answers";
import { findRecordCodeEmail } from "../find-record-messages";
import { EmailCodePage, EmailPage } from "../find-record-pages";
import type { FindRecordDeps } from "../find-record-service";
import { goToNextStep, questionPageProps, type StepHandler } from "../step-guard";

/** Codes one journey may send per RATE_LIMIT_WINDOW, whatever the address (no spraying inboxes). */
export const findRecordEmailCodesPerWindow = 10;

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your email address")
  .max(254, "Email address must be 254 characters or fewer")
  .pipe(z.email("Enter an email address in the correct format, like name@example.com"));

function emailCode(deps: FindRecordDeps, journey: Journey, address: string, ctx: RouteContext, resent: boolean): Response {
  const answers = journey.state.findRecord!;
  const now = Date.now();
  const perJourney = hitRateLimit(deps.db, `find-record-email-codes:${journey.idHash}`, { limit: findRecordEmailCodesPerWindow, windowMs: deps.config.RATE_LIMIT_WINDOW }, now);
  // An address with an account gets the sign-in code it would get anyway; a new one, a code to create an account.
  const message = (code: string) => (findAccountByEmail(deps.db, address) ? signInCodeEmail(address, code) : findRecordCodeEmail(address, code));
  const sent = perJourney.allowed
    ? sendEmailCode(deps.db, deps.config, { purpose: "registration_email", email: address, ip: ipOf(deps, ctx), message }, now)
    : ({ sent: false, retryAt: perJourney.retryAt } as const);
  if (!sent.sent) {
    deps.logger.warn("find_record_email_code_rate_limited", {});
    return tooManyRequests(deps.brand, { retryAt: sent.retryAt, backLink: "/find-record", what: "You have asked for too many security codes." });
  }
  deps.nudgeOutbox();
  answers.email = address;
  answers.codeId = sent.codeId;
  saveJourney(deps.db, journey);
  return goToNextStep(deps, journey, resent ? "?resent=1" : "");
}

export function emailStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler } {
  const page = (journey: Journey, answers: FindRecordAnswers, ctx: RouteContext, typed?: { value?: string; error: string }) => {
    const clientName = journey.state.requestId === undefined ? undefined : readAccountRequest(deps.db, journey.state.requestId)?.clientName;
    return htmlResponse(
      <EmailPage
        {...questionPageProps(deps, ctx, "email", answers)}
        clientName={clientName ?? "Access your teaching qualifications"}
        value={typed ? typed.value : answers.email}
        error={typed?.error}
      />,
      typed ? 400 : 200,
    );
  };
  return {
    show: (journey, answers, ctx) => page(journey, answers, ctx),
    answer: (journey, answers, ctx) => {
      const typed = formFields(ctx.body).email;
      const parsed = emailSchema.safeParse(typed ?? "");
      if (!parsed.success) return page(journey, answers, ctx, { value: typed, error: parsed.error.issues[0].message });
      return emailCode(deps, journey, normaliseEmail(parsed.data), ctx, false);
    },
  };
}

export function emailCodeStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler; resend: StepHandler } {
  const page = (answers: FindRecordAnswers, ctx: RouteContext, extra: { error?: string; code?: string; resent?: boolean } = {}) =>
    htmlResponse(
      <EmailCodePage
        {...questionPageProps(deps, ctx, "email-code", answers)}
        email={answers.email!}
        schoolAddress={isSchoolOrUniversityAddress(answers.email!)}
        error={extra.error}
        code={extra.code}
        resent={extra.resent ?? false}
      />,
      extra.error ? 400 : 200,
    );
  return {
    show: (_journey, answers, ctx) => page(answers, ctx, { resent: queryParam(ctx, "resent") === "1" }),
    answer: (journey, answers, ctx) => {
      const address = answers.email!;
      const typed = formFields(ctx.body).code ?? "";
      const check = checkTypedCode(deps.db, deps.config, { codeId: answers.codeId, purpose: "registration_email", destination: address, typed, ip: ipOf(deps, ctx) });
      if (check !== "ok" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/find-record/email-code", what: "You have entered too many security codes." });
      if (check !== "ok") return page(answers, ctx, { error: check.error, code: typed });
      const account = findAccountByEmail(deps.db, address);
      if (account) {
        // The inbox is proved and has an account: this is a sign-in to it, nothing more.
        deps.logger.info("signed_in", { account_id: account.id, method: "email_code", via: "find-record" });
        return finishJourney(deps, journey, account);
      }
      answers.emailVerified = true;
      return goToNextStep(deps, journey);
    },
    resend: (journey, answers, ctx) => emailCode(deps, journey, answers.email!, ctx, true),
  };
}
