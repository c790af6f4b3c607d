// What every "Create an account without a link" page runs first: the browser's journey must be
// this journey, and the step table must allow this step; otherwise the step it should be on.
import { seeOther } from "../../web/html";
import { withJourney, type RouteContext } from "../journey/journey-guard";
import { journeyExpired } from "../journey/journey-pages";
import type { FindRecordAnswers } from "../journey/journey-state";
import { saveJourney, type Journey } from "../journey/journey-store";
import type { FindRecordDeps } from "./find-record-service";
import { canReach, currentStep, previousStep, stepPath, type FindRecordStepId } from "./find-record-steps";

export type StepHandler = (journey: Journey, answers: FindRecordAnswers, ctx: RouteContext) => Response | Promise<Response>;

export function findRecordStep(deps: FindRecordDeps, id: FindRecordStepId, handler: StepHandler) {
  return withJourney(deps, (journey, ctx) => {
    const answers = journey.state.findRecord;
    if (!answers) return journeyExpired(deps.brand);
    if (!canReach(id, answers)) return seeOther(stepPath(currentStep(answers)));
    return handler(journey, answers, ctx);
  });
}

export function backLink(id: FindRecordStepId, answers: FindRecordAnswers): string | undefined {
  const previous = previousStep(id, answers);
  return previous ? stepPath(previous) : undefined;
}

/** What every question page takes. */
export function questionPageProps(deps: Pick<FindRecordDeps, "brand">, ctx: RouteContext, id: FindRecordStepId, answers: FindRecordAnswers) {
  return { brand: deps.brand, csrfToken: ctx.csrfToken, backLink: backLink(id, answers) };
}

/** Saves the answer just given and goes to the first step still unanswered (check answers once all are). */
export function goToNextStep(deps: Pick<FindRecordDeps, "db">, journey: Journey, query = ""): Response {
  saveJourney(deps.db, journey);
  return seeOther(stepPath(currentStep(journey.state.findRecord!)) + query);
}
