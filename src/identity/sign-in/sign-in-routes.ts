// Sign in to an existing account: email address, then a 6-digit code sent to it. One GET (show)
// and one POST (answer) per step of the step table.
import { Elysia } from "elysia";
import { signInSteps, type SignInStepId } from "./sign-in-steps";
import { signInStepRoute, type SignInDeps, type SignInStepHandler } from "./step-guard";
import { codeStep } from "./steps/code";
import { emailStep } from "./steps/email";
import { resendStep } from "./steps/resend";

export function signInRoutes(deps: SignInDeps) {
  const handlers: Record<SignInStepId, { show: SignInStepHandler; answer: SignInStepHandler }> = {
    email: emailStep(deps),
    code: codeStep(deps),
    resend: resendStep(deps),
  };
  let app = new Elysia({ name: "identity-sign-in" });
  for (const step of signInSteps) {
    app = app.get(step.path, signInStepRoute(deps, step.id, handlers[step.id].show));
    app = app.post(step.path, signInStepRoute(deps, step.id, handlers[step.id].answer));
  }
  return app;
}

