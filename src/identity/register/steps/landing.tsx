// Step "landing": what a Teacher ID account is, what we will ask, and "Create an account".
import { htmlResponse } from "../../../web/html";
import { clientRequestId } from "../../journey/journey-state";
import { readAccountRequest } from "../../oidc/hand-off";
import { LandingPage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { goToNextStep, type StepHandler } from "../step-guard";

export function landingStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler } {
  return {
    show: (journey, answers, ctx) =>
      htmlResponse(
        <LandingPage
          brand={deps.brand}
          csrfToken={ctx.csrfToken}
          email={answers.email}
          clientName={readAccountRequest(deps.db, clientRequestId(journey.state))?.clientName ?? "Access your teaching qualifications"}
          asksDateOfBirth={!answers.teacher?.dateOfBirth}
        />,
      ),
    answer: (journey, answers) => {
      answers.started = true;
      return goToNextStep(deps, journey);
    },
  };
}
