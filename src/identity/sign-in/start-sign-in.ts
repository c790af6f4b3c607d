// Where a sign-in starts: from /interaction, for a client's authorization request; or from one of
// identity's own pages (e.g. /account), which it returns to. A journey with no answers yet, at the
// email page.
import type { JourneyDeps } from "../journey/journey-deps";
import { enterJourney } from "../journey/journey-guard";

export function startSignIn(deps: Pick<JourneyDeps, "db" | "secure">, requestId: string): Response {
  return enterJourney(deps, { requestId }, "/sign-in");
}

/** Signs the browser in, then sends it back to `returnTo`, a path on identity. */
export function startSignInReturningTo(deps: Pick<JourneyDeps, "db" | "secure">, returnTo: string): Response {
  return enterJourney(deps, { returnTo }, "/sign-in");
}
