// Step "phone": a UK or international mobile number, or "I do not have a mobile".
import { htmlResponse, formFields } from "../../../web/html";
import type { RouteContext } from "../../journey/journey-guard";
import type { RegistrationAnswers } from "../../journey/journey-state";
import { displayPhone, parseMobileNumber } from "../register-answers";
import { PhonePage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { goToNextStep, questionPageProps, type StepHandler } from "../step-guard";
import { textPhoneCode } from "./phone-code";

export function phoneStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler } {
  // With the saved answer, or (status 400) with what was typed and its error.
  const page = (answers: RegistrationAnswers, ctx: RouteContext, typed?: { value?: string; error: string }) =>
    htmlResponse(
      <PhonePage
        {...questionPageProps(deps, ctx, "phone", answers)}
        value={typed ? typed.value : answers.phone && displayPhone(answers.phone)}
        error={typed?.error}
      />,
      typed ? 400 : 200,
    );
  return {
    show: (_journey, answers, ctx) => page(answers, ctx),
    answer: (journey, answers, ctx) => {
      const form = formFields(ctx.body);
      if (form.noPhone === "yes") {
        answers.noPhone = true;
        delete answers.phone;
        delete answers.phoneVerified;
        delete answers.phoneCodeId;
        return goToNextStep(deps, journey);
      }
      const parsed = parseMobileNumber(form.phone ?? "");
      if (!parsed.ok) return page(answers, ctx, { value: form.phone, error: parsed.message });
      // The same number, already confirmed: nothing to text again.
      if (answers.phone === parsed.value && answers.phoneVerified) return goToNextStep(deps, journey);
      return textPhoneCode(deps, journey, parsed.value, ctx, false);
    },
  };
}
