// Sends a change request to records (POST /v3/teacher/name-changes or /date-of-birth-changes) with
// the teacher's own access token: the fields and the evidence file, as multipart/form-data.
import type { ChangeKind } from "./change-request-form";

const paths: Record<ChangeKind, string> = { name: "/v3/teacher/name-changes", dateOfBirth: "/v3/teacher/date-of-birth-changes" };

export type ChangeRequestAnswer =
  | { ok: true; caseReference: string }
  /** 400: what is wrong, by records' field names, worded for the teacher. */
  | { ok: false; reason: "invalid"; errors: Record<string, string[]> }
  /** 409: the teacher has as many open requests as records allows. */
  | { ok: false; reason: "too_many_open"; message: string }
  | { ok: false; reason: "unauthorized" }
  | { ok: false; reason: "no_record" }
  /** 409 (10002): records holds more than one teacher with this TRN. */
  | { ok: false; reason: "ambiguous" }
  | { ok: false; reason: "unavailable"; detail: string };

/** records' limit on the evidence file, for a body records refused by its size (413) before reading it. */
export const fileTooLargeMessage = "The selected file must be smaller than 10MB";

export async function sendChangeRequest(
  recordsUrl: string,
  accessToken: string,
  kind: ChangeKind,
  fields: Record<string, string>,
  files: File[],
): Promise<ChangeRequestAnswer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append("evidence", file, file.name);
  let response: Response;
  try {
    response = await fetch(`${recordsUrl}${paths[kind]}`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    return { ok: false, reason: "unavailable", detail: (error as Error).name };
  }
  const body = (await response.json().catch(() => undefined)) as
    | { caseReference?: unknown; errors?: Record<string, string[]>; errorCode?: unknown }
    | undefined;
  if (response.status === 201 && typeof body?.caseReference === "string") return { ok: true, caseReference: body.caseReference };
  if (response.status === 401) return { ok: false, reason: "unauthorized" };
  if (response.status === 403 || response.status === 404) return { ok: false, reason: "no_record" };
  if (response.status === 400 && body?.errors) return { ok: false, reason: "invalid", errors: body.errors };
  if (response.status === 413) return { ok: false, reason: "invalid", errors: { evidence: [fileTooLargeMessage] } };
  if (response.status === 409 && body?.errors?.changeRequests?.[0]) {
    return { ok: false, reason: "too_many_open", message: body.errors.changeRequests[0] };
  }
  if (response.status === 409) return { ok: false, reason: "ambiguous" };
  return { ok: false, reason: "unavailable", detail: `HTTP ${response.status}` };
}
