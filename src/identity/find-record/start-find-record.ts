// Where "Create an account without a link" starts, from /interaction: the client asked for it
// (prompt=create), or the sign-in page's "I do not have a link" switched to it.
import type { JourneyDeps } from "../journey/journey-deps";
import { enterJourney } from "../journey/journey-guard";

export const findRecordPath = "/find-record";

export function startFindRecord(deps: Pick<JourneyDeps, "db" | "secure">, requestId: string): Response {
  return enterJourney(deps, { requestId, findRecord: {} }, findRecordPath);
}
