// The "register via the magic link" routes: one GET (show) and one POST (answer) per step of the
// step table, each behind the step guard; plus "send another code" (phone, email) and the
// existing-account pages.
// GET never consumes anything; only the final POSTs do.
import { Elysia } from "elysia";
import { existingAccountRoutes } from "./existing-account";
import type { RegisterDeps } from "./register-service";
import { registerSteps, type RegisterStepId } from "./register-steps";
import { registrationStep, type StepHandler } from "./step-guard";
import { checkAnswersStep } from "./steps/check-answers";
import { dateOfBirthStep } from "./steps/date-of-birth";
import { emailStep } from "./steps/email";
import { emailCodeStep } from "./steps/email-code";
import { landingStep } from "./steps/landing";
import { phoneStep } from "./steps/phone";
import { phoneCodeStep } from "./steps/phone-code";
import { preferredNameStep } from "./steps/preferred-name";

export function registerRoutes(deps: RegisterDeps) {
  const phoneCode = phoneCodeStep(deps);
  const emailCode = emailCodeStep(deps);
  const handlers: Record<RegisterStepId, { show: StepHandler; answer: StepHandler }> = {
    landing: landingStep(deps),
    phone: phoneStep(deps),
    "phone-code": phoneCode,
    "preferred-name": preferredNameStep(deps),
    "date-of-birth": dateOfBirthStep(deps),
    "check-answers": checkAnswersStep(deps),
    email: emailStep(deps),
    "email-code": emailCode,
  };
  let app = new Elysia({ name: "identity-register" });
  for (const step of registerSteps) {
    app = app.get(step.path, registrationStep(deps, step.id, handlers[step.id].show));
    app = app.post(step.path, registrationStep(deps, step.id, handlers[step.id].answer));
  }
  return app
    .post("/register/phone-code/resend", registrationStep(deps, "phone-code", phoneCode.resend))
    .post("/register/email-code/resend", registrationStep(deps, "email-code", emailCode.resend))
    .use(existingAccountRoutes(deps));
}
