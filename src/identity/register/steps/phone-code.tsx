// Step "phone-code": the 6-digit code texted to the mobile number ("Check your phone").
import { htmlResponse, formFields, seeOther } from "../../../web/html";
import { ipOf, queryParam, type RouteContext } from "../../journey/journey-guard";
import type { RegistrationAnswers } from "../../journey/journey-state";
import { saveJourney, type Journey } from "../../journey/journey-store";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { checkTypedCode, sendPhoneCode } from "../../security-codes/code-service";
import { displayPhone } from "../register-answers";
import { PhoneCodePage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { currentStep, stepPath } from "../register-steps";
import { questionPageProps, type StepHandler } from "../step-guard";

/** Texts a code to `phone` and saves it as the unconfirmed number (one commit); then the code page. */
export function textPhoneCode(deps: RegisterDeps, journey: Journey, phone: string, ctx: RouteContext, resent: boolean): Response {
  const answers = journey.state.registration!;
  const sent = deps.db.transaction((tx) => {
    const sent = sendPhoneCode(tx, deps.config, { phone, ip: ipOf(deps, ctx) });
    if (!sent.sent) return sent;
    answers.phone = phone;
    answers.phoneCodeId = sent.codeId;
    answers.phoneVerified = false;
    answers.noPhone = false;
    saveJourney(tx, journey);
    return sent;
  });
  if (!sent.sent)
    return tooManyRequests(deps.brand, { retryAt: sent.retryAt, backLink: "/register/phone", what: "You have asked for too many security codes." });
  deps.nudgeOutbox();
  return resent ? seeOther("/register/phone-code?resent=1") : seeOther(stepPath(currentStep(answers)));
}

export function phoneCodeStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler; resend: StepHandler } {
  const page = (answers: RegistrationAnswers, ctx: RouteContext, extra: { error?: string; code?: string; resent?: boolean } = {}) =>
    htmlResponse(
      <PhoneCodePage
        {...questionPageProps(deps, ctx, "phone-code", answers)}
        phone={displayPhone(answers.phone!)}
        error={extra.error}
        code={extra.code}
        resent={extra.resent ?? false}
      />,
      extra.error ? 400 : 200,
    );
  return {
    show: (_journey, answers, ctx) => page(answers, ctx, { resent: queryParam(ctx, "resent") === "1" }),
    answer: (journey, answers, ctx) => {
      const typed = formFields(ctx.body).code ?? "";
      // The attempt, the code's use and the journey's answer: one commit.
      const check = deps.db.transaction((tx) => {
        const check = checkTypedCode(tx, deps.config, {
          codeId: answers.phoneCodeId,
          purpose: "phone_verification",
          destination: answers.phone!,
          typed,
          ip: ipOf(deps, ctx),
        });
        if (check === "ok") {
          answers.phoneVerified = true;
          saveJourney(tx, journey);
        }
        return check;
      });
      if (check !== "ok" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/register/phone-code", what: "You have entered too many security codes." });
      if (check !== "ok") return page(answers, ctx, { error: check.error, code: typed });
      return seeOther(stepPath(currentStep(answers)));
    },
    resend: (journey, answers, ctx) => textPhoneCode(deps, journey, answers.phone!, ctx, true),
  };
}
