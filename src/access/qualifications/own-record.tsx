// The signed-in teacher's own record from records, or the page to show instead: what every page
// built on the record (qualifications, the certificate, change requests) does when it cannot have it.
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import { signInAgain } from "../sessions/require-session";
import type { AccessSession } from "../sessions/session";
import { decodeJwt } from "jose";
import { AmbiguousRecordPage, LookingForRecordPage, NoRecordPage, RecordsUnavailablePage } from "./qualifications-pages";
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
  if (lookup.reason === "no_record") {
    // identity's claims from sign-in (the ID token was verified then): is support looking for the record?
    const lookupClaims = trnLookupClaims(session.idToken);
    if (lookupClaims.status === "Pending") return { response: htmlResponse(<LookingForRecordPage brand={ctx.brand} caseReference={lookupClaims.caseReference} />, 404) };
    return { response: htmlResponse(<NoRecordPage brand={ctx.brand} />, 404) };
  }
  if (lookup.reason === "ambiguous") {
    ctx.log.warn("records_ambiguous", { sub: session.sub });
    return { response: htmlResponse(<AmbiguousRecordPage brand={ctx.brand} />, 409) };
  }
  ctx.log.error("records_unavailable", { reason: lookup.reason, detail: "detail" in lookup ? lookup.detail : undefined });
  return { response: htmlResponse(<RecordsUnavailablePage brand={ctx.brand} />, 503) };
}

/** trn_lookup_status and trn_lookup_case from the session's ID token (verified when the teacher signed in). */
function trnLookupClaims(idToken: string): { status: string | null; caseReference: string | null } {
  try {
    const claims = decodeJwt(idToken);
    const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
    return { status: text(claims.trn_lookup_status), caseReference: text(claims.trn_lookup_case) };
  } catch {
    return { status: null, caseReference: null };
  }
}
