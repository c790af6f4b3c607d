// Step "date-of-birth": asked only when the teacher's record has none.
import { htmlResponse, formFields } from "../../../web/html";
import type { RouteContext } from "../../journey/journey-guard";
import type { RegistrationAnswers } from "../../journey/journey-state";
import { parseDateOfBirth } from "../register-answers";
import { DateOfBirthPage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { goToNextStep, questionPageProps, type StepHandler } from "../step-guard";

type Typed = { day?: string; month?: string; year?: string; error: { field: string; message: string } };

export function dateOfBirthStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler } {
  const page = (answers: RegistrationAnswers, ctx: RouteContext, typed?: Typed) => {
    const [year, month, day] = answers.dateOfBirth?.split("-") ?? [];
    const shown = typed ?? { day: day && String(Number(day)), month: month && String(Number(month)), year };
    return htmlResponse(
      <DateOfBirthPage
        {...questionPageProps(deps, ctx, "date-of-birth", answers)}
        day={shown.day}
        month={shown.month}
        year={shown.year}
        error={typed && { field: typed.error.field, message: typed.error.message }}
      />,
      typed ? 400 : 200,
    );
  };
  return {
    show: (_journey, answers, ctx) => page(answers, ctx),
    answer: (journey, answers, ctx) => {
      const form = formFields(ctx.body);
      const parsed = parseDateOfBirth(form);
      if (!parsed.ok) return page(answers, ctx, { day: form.day, month: form.month, year: form.year, error: parsed });
      answers.dateOfBirth = parsed.value;
      return goToNextStep(deps, journey);
    },
  };
}
