// Step "preferred-name": one of the names on the teacher's record, or another name they type.
import { htmlResponse, formFields } from "../../../web/html";
import type { RouteContext } from "../../journey/journey-guard";
import type { RegistrationAnswers } from "../../journey/journey-state";
import { parsePreferredName, preferredNameOptions } from "../register-answers";
import { PreferredNamePage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { goToNextStep, questionPageProps, type StepHandler } from "../step-guard";

export function preferredNameStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler } {
  const page = (answers: RegistrationAnswers, ctx: RouteContext, typed?: { choice?: string; other?: string; error: { field: string; message: string } }) =>
    htmlResponse(
      <PreferredNamePage
        {...questionPageProps(deps, ctx, "preferred-name", answers)}
        options={preferredNameOptions(answers.teacher)}
        choice={typed ? typed.choice : answers.preferredNameChoice}
        other={typed ? typed.other : answers.preferredNameChoice === "other" ? answers.preferredName : undefined}
        error={typed && { field: typed.error.field, message: typed.error.message }}
      />,
      typed ? 400 : 200,
    );
  return {
    show: (_journey, answers, ctx) => page(answers, ctx),
    answer: (journey, answers, ctx) => {
      const form = formFields(ctx.body);
      const parsed = parsePreferredName(preferredNameOptions(answers.teacher), form.choice, form.otherName);
      if (!parsed.ok) return page(answers, ctx, { choice: form.choice, other: form.otherName, error: parsed });
      answers.preferredNameChoice = form.choice;
      answers.preferredName = parsed.value;
      return goToNextStep(deps, journey);
    },
  };
}
