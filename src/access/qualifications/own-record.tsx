// The signed-in teacher's own record from records, or the page to show instead: what every page
// built on the record (qualifications, the certificate, change requests) does when it cannot have it.
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import { signInAgain } from "../sessions/require-session";
import type { AccessSession } from "../sessions/session";
import { AmbiguousRecordPage, NoRecordPage, RecordsUnavailablePage } from "./qualifications-pages";
import { fetchOwnTeacherRecord, type TeacherRecord } from "./records-client";

/** A session this young that records still refuses is not an expiry: do not loop through sign-in. */
const freshSessionMs = 60_000;

export async function ownTeacherRecord(
  ctx: AccessContext,
  session: AccessSession,
  path: string,
): Promise<{ teacher: TeacherRecord } | { response: Response }> {
  const lookup = await fetchOwnTeacherRecord(ctx.config.urls.records, session.accessToken);
  if (lookup.ok) return { teacher: lookup.teacher };
  if (lookup.reason === "unauthorized" && Date.now() - session.createdAt > freshSessionMs) {
    ctx.log.info("records_token_refused", { sub: session.sub });
    return { response: signInAgain(path) };
  }
  if (lookup.reason === "no_record") return { response: htmlResponse(<NoRecordPage brand={ctx.brand} />, 404) };
  if (lookup.reason === "ambiguous") {
    ctx.log.warn("records_ambiguous", { sub: session.sub });
    return { response: htmlResponse(<AmbiguousRecordPage brand={ctx.brand} />, 409) };
  }
  ctx.log.error("records_unavailable", { reason: lookup.reason, detail: "detail" in lookup ? lookup.detail : undefined });
  return { response: htmlResponse(<RecordsUnavailablePage brand={ctx.brand} />, 503) };
}
