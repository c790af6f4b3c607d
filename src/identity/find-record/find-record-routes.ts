// "Create an account without a link": one GET (show) and one POST (answer) per step of the step
// table, each behind the step guard; plus "send another code".
import { Elysia } from "elysia";
import type { FindRecordDeps } from "./find-record-service";
import { findRecordSteps, type FindRecordStepId } from "./find-record-steps";
import { findRecordStep, type StepHandler } from "./step-guard";
import { dateOfBirthStep, identifierStep, nameStep } from "./steps/details";
import { emailCodeStep, emailStep } from "./steps/email";
import { caseStep, checkAnswersStep, notFoundStep } from "./steps/outcome";

export function findRecordRoutes(deps: FindRecordDeps) {
  const emailCode = emailCodeStep(deps);
  const handlers: Record<FindRecordStepId, { show: StepHandler; answer: StepHandler }> = {
    email: emailStep(deps),
    "email-code": emailCode,
    name: nameStep(deps),
    "date-of-birth": dateOfBirthStep(deps),
    identifier: identifierStep(deps),
    "check-answers": checkAnswersStep(deps),
    "not-found": notFoundStep(deps),
    case: caseStep(deps),
  };
  let app = new Elysia({ name: "identity-find-record" });
  for (const step of findRecordSteps) {
    app = app.get(step.path, findRecordStep(deps, step.id, handlers[step.id].show));
    app = app.post(step.path, findRecordStep(deps, step.id, handlers[step.id].answer));
  }
  return app.post("/find-record/email-code/resend", findRecordStep(deps, "email-code", emailCode.resend));
}
