// Where a sign-in starts, from /interaction: a journey with no answers yet, at the email page.
import type { JourneyDeps } from "../journey/journey-deps";
import { enterJourney } from "../journey/journey-guard";

export function startSignIn(deps: Pick<JourneyDeps, "db" | "secure">, requestId: string): Response {
  return enterJourney(deps, { requestId }, "/sign-in");
}
