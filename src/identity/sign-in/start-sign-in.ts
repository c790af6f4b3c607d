// Where a sign-in starts: from /interaction, for a client's authorization request; or from one of
// identity's own pages (e.g. /account), which it returns to. A journey with no answers yet, at the
// email page.
import { seeOther } from "../../web/html";
import type { JourneyDeps } from "../journey/journey-deps";
import type { JourneyState } from "../journey/journey-state";
import { startJourney } from "../journey/journey-store";

export function startSignIn(deps: Pick<JourneyDeps, "db" | "secure">, requestId: string): Response {
  return begin(deps, { requestId });
}

/** Signs the browser in, then sends it back to `returnTo`, a path on identity. */
export function startSignInReturningTo(deps: Pick<JourneyDeps, "db" | "secure">, returnTo: string): Response {
  return begin(deps, { returnTo });
}

function begin(deps: Pick<JourneyDeps, "db" | "secure">, state: JourneyState): Response {
  const { setCookie } = startJourney(deps.db, state, { secure: deps.secure });
  return seeOther("/sign-in", { "set-cookie": setCookie });
}
