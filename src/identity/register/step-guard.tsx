// What every registration page runs first: the journey must be a registration, its token must still
// mean "new account", the teacher's record must be known, and the step table must allow this step.
// Every other case gets its page here, in one place.
import { htmlResponse, seeOther } from "../../web/html";
import { currentJourney, noJourney, type RouteContext } from "../journey/journey-guard";
import { noJourneyHere } from "../journey/journey-pages";
import { clientRequestId, type RegistrationAnswers } from "../journey/journey-state";
import { saveJourney, type Journey } from "../journey/journey-store";
import { TokenExpiredPage } from "../new-link/new-link-pages";
import { partlyMaskEmail } from "../accounts/accounts";
import { BindFailurePage, ChooseAccountPage, ExistingAccountPage, TeacherUnavailablePage } from "./register-pages";
import { currentSituation, ensureTeacher, type RegisterDeps, type Situation } from "./register-service";
import { canReach, currentStep, nextStep, previousStep, stepPath, type RegisterStepId } from "./register-steps";

export type StepHandler = (journey: Journey, answers: RegistrationAnswers, ctx: RouteContext) => Response | Promise<Response>;

/** The page for every situation other than "new" (a new account). */
export function situationPage(deps: RegisterDeps, situation: Exclude<Situation, { kind: "new" }>, journey: Journey, ctx: RouteContext): Response {
  const { brand } = deps;
  const requestId = clientRequestId(journey.state);
  switch (situation.kind) {
    case "token-expired":
      return htmlResponse(
        <TokenExpiredPage brand={brand} csrfToken={ctx.csrfToken} requestId={requestId} sentTo={partlyMaskEmail(journey.state.registration?.email ?? "")} />,
        410,
      );
    case "token-used":
      return htmlResponse(<BindFailurePage brand={brand} failure={{ kind: "used" }} requestId={requestId} />, 410);
    case "token-unknown":
      return htmlResponse(<BindFailurePage brand={brand} failure={{ kind: "unknown" }} requestId={requestId} />, 404);
    case "signed-in-same-email":
    case "existing-account":
      return htmlResponse(
        <ExistingAccountPage
          brand={brand}
          csrfToken={ctx.csrfToken}
          email={situation.account.email}
          signedIn={situation.kind === "signed-in-same-email"}
        />,
      );
    case "signed-in-other-email":
      return htmlResponse(
        <ChooseAccountPage brand={brand} csrfToken={ctx.csrfToken} signedInEmail={situation.account.email} tokenEmail={situation.tokenEmail} />,
      );
    case "account-has-other-trn":
    case "trn-bound-elsewhere":
      return htmlResponse(<BindFailurePage brand={brand} failure={situation} requestId={requestId} />, 409);
  }
}

/** Runs a step's handler only for a new registration whose step table allows this step. */
export function registrationStep(deps: RegisterDeps, id: RegisterStepId, handler: StepHandler) {
  return async (c: unknown): Promise<Response> => {
    const ctx = c as RouteContext;
    const journey = currentJourney(deps, ctx);
    const answers = journey?.state.registration;
    if (!journey) return noJourney(deps, ctx);
    if (!answers) return noJourneyHere(deps.brand);
    const situation = currentSituation(deps, journey.state.requestId, answers, ctx.request.headers.get("cookie"));
    if (situation.kind !== "new") return id === "landing" ? situationPage(deps, situation, journey, ctx) : seeOther("/register");
    const teacher = await ensureTeacher(deps, journey);
    if (teacher !== "ok") return htmlResponse(<TeacherUnavailablePage brand={deps.brand} notFound={teacher === "not_found"} />, 503);
    if (!canReach(id, answers)) return seeOther(stepPath(currentStep(answers)));
    return handler(journey, answers, ctx);
  };
}

/** The back link of a step page. */
export function backLink(step: RegisterStepId, answers: RegistrationAnswers): string | undefined {
  const previous = previousStep(step, answers);
  return previous ? stepPath(previous) : undefined;
}

/** What every question page takes: the service's brand, the form's CSRF token and the step's back link. */
export function questionPageProps(deps: Pick<RegisterDeps, "brand">, ctx: RouteContext, step: RegisterStepId, answers: RegistrationAnswers) {
  return { brand: deps.brand, csrfToken: ctx.csrfToken, backLink: backLink(step, answers) };
}

/**
 * Saves the answer just given and goes to the first step still unanswered; from a detour (`after`
 * one of its steps), to its next step, if any.
 */
export function goToNextStep(deps: Pick<RegisterDeps, "db">, journey: Journey, options: { after?: RegisterStepId; query?: string } = {}): Response {
  saveJourney(deps.db, journey);
  const answers = journey.state.registration!;
  const next = options.after ? nextStep(options.after, answers) : currentStep(answers);
  return seeOther(stepPath(next) + (options.query ?? ""));
}
