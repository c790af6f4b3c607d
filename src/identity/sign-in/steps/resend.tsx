// Step "resend": "Send another code" to the same address.
import { htmlResponse } from "../../../web/html";
import { ResendPage } from "../sign-in-pages";
import type { SignInDeps, SignInStepHandler } from "../step-guard";
import { emailSignInCode } from "./email";

export function resendStep(deps: SignInDeps): { show: SignInStepHandler; answer: SignInStepHandler } {
  return {
    show: (journey, ctx) => htmlResponse(<ResendPage brand={deps.brand} csrfToken={ctx.csrfToken} email={journey.state.signIn!.email!} />),
    answer: (journey, ctx) => emailSignInCode(deps, journey, journey.state.signIn!.email!, ctx, true),
  };
}
