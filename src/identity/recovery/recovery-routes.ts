// Account recovery ("I cannot access this email address"): the account's email address, then a
// code texted to its verified mobile. One GET (show) and one POST (answer) per step of the step
// table, through the shared journey core.
import { Elysia } from "elysia";
import { journeyStepRoute } from "../journey/journey-guard";
import type { JourneyDeps } from "../journey/journey-deps";
import { recoverySteps, recoveryStepTable, type RecoveryStepHandler, type RecoveryStepId } from "./recovery-steps";
import { codeStep } from "./steps/code";
import { emailStep } from "./steps/email";
import { resendStep } from "./steps/resend";

export function recoveryRoutes(deps: JourneyDeps) {
  const handlers: Record<RecoveryStepId, { show: RecoveryStepHandler; answer: RecoveryStepHandler }> = {
    email: emailStep(deps),
    code: codeStep(deps),
    resend: resendStep(deps),
  };
  let app = new Elysia({ name: "identity-recovery" });
  for (const step of recoverySteps) {
    app = app.get(step.path, journeyStepRoute(deps, recoveryStepTable, step.id, handlers[step.id].show));
    app = app.post(step.path, journeyStepRoute(deps, recoveryStepTable, step.id, handlers[step.id].answer));
  }
  return app;
}
