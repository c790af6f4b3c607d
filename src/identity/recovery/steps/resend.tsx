// Step "resend": "Send another code" to the same mobile (the same limits as the first).
import { htmlResponse } from "../../../web/html";
import type { JourneyDeps } from "../../journey/journey-deps";
import { RecoveryResendPage } from "../recovery-pages";
import type { RecoveryStepHandler } from "../recovery-steps";
import { textRecoveryCode } from "./email";

export function resendStep(deps: JourneyDeps): { show: RecoveryStepHandler; answer: RecoveryStepHandler } {
  return {
    show: (journey, ctx) =>
      htmlResponse(<RecoveryResendPage brand={deps.brand} csrfToken={ctx.csrfToken} phoneEnding={journey.state.recovery!.phoneEnding!} />),
    answer: (journey, ctx) => textRecoveryCode(deps, journey, journey.state.recovery!.email, ctx, true),
  };
}
