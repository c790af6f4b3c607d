// Where a sign-in starts, from /interaction: a journey with no answers yet, at the email page.
import { seeOther } from "../../web/html";
import type { JourneyDeps } from "../journey/journey-deps";
import { startJourney } from "../journey/journey-store";

export function startSignIn(deps: Pick<JourneyDeps, "db" | "secure">, requestId: string): Response {
  const { setCookie } = startJourney(deps.db, { requestId }, { secure: deps.secure });
  return seeOther("/sign-in", { "set-cookie": setCookie });
}
