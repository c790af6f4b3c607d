// What every sign-in page runs first: the browser's journey, and the step table's "can this step
// be reached" (no code page before an email address).
import type { Account } from "../accounts/accounts";
import { journeyStepRoute, type RouteContext, type StepTable } from "../journey/journey-guard";
import type { JourneyDeps } from "../journey/journey-deps";
import type { Journey } from "../journey/journey-store";
import { currentSignInStep, signInStep, type SignInStepId } from "./sign-in-steps";

export type SignInStepHandler = (journey: Journey, ctx: RouteContext) => Response | Promise<Response>;

/**
 * What happens once the user has proved their email: the journey that asked for the sign-in
 * decides (registration attaches the TRN first). Wired by identity's journeys.ts, so sign-in
 * imports no other journey.
 */
export type AfterSignIn = (journey: Journey, account: Account) => Response;

export interface SignInDeps extends JourneyDeps {
  afterSignIn: AfterSignIn;
}

const table: StepTable<SignInStepId> = {
  path: (id) => signInStep(id).path,
  canReach: (id, state) => signInStep(id).canReach(state),
  current: currentSignInStep,
};

export function signInStepRoute(deps: SignInDeps, id: SignInStepId, handler: SignInStepHandler) {
  return journeyStepRoute(deps, table, id, handler);
}
