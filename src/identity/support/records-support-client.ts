// identity -> records' support API (src/records/support/), with identity's own client credentials
// (scopes support:read support:write): a teacher's open change requests and invitations, one change
// request, its evidence (streamed through identity, so a staff member's browser never talks to
// records), and approving or rejecting it. Never throws: "unavailable" when records cannot answer.
import { authorizedFetch } from "../../auth/authorized-fetch";
import type { TokenSource } from "../../auth/client-credentials";
import type { Logger } from "../../log/logger";

/** As records answers GET /v2/support/teachers/{trn} (records' OpenAPI document: TeacherSupportSummary). */
export interface TeacherSupportSummary {
  trn: string;
  name: string;
  email: string | null;
  openChangeRequests: {
    caseReference: string;
    type: "name" | "dateOfBirth";
    requested: { firstName: string; middleName: string | null; lastName: string } | { dateOfBirth: string };
    createdUtc: string;
  }[];
  invitations: {
    award: "qts" | "eyts" | "induction";
    reason: string | null;
    email: string;
    status: "pending" | "sent" | "failed";
    accountExists: boolean | null;
    createdUtc: string;
    sentUtc: string | null;
  }[];
}

/** As records answers GET /v2/support/change-requests/{reference} (ChangeRequest). */
export interface ChangeRequestDetail {
  caseReference: string;
  type: "name" | "dateOfBirth";
  status: "open" | "approved" | "rejected";
  trn: string;
  requested: TeacherSupportSummary["openChangeRequests"][number]["requested"];
  current: { firstName: string; middleName: string | null; lastName: string; dateOfBirth: string | null };
  requestedBy: string;
  createdUtc: string;
  closedUtc: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  evidence: { fileName: string; mediaType: string; size: number; sha256: string };
}

export type Read<T> = { status: "found"; value: T } | { status: "not_found" } | { status: "unavailable" };
export type Decision = { status: "decided"; value: ChangeRequestDetail } | { status: "not_found" } | { status: "closed" } | { status: "unavailable" };

export interface RecordsSupportClient {
  teacherSummary(trn: string): Promise<Read<TeacherSupportSummary>>;
  changeRequest(reference: string): Promise<Read<ChangeRequestDetail>>;
  /** records' answer for the evidence, to be passed on (its body unread), or "unavailable"/"not_found". */
  evidence(reference: string): Promise<{ status: "found"; response: Response } | { status: "not_found" } | { status: "unavailable" }>;
  decide(reference: string, decision: "approve" | "reject", input: { reason: string; decidedBy: string }): Promise<Decision>;
}

export function createRecordsSupportClient(options: { recordsUrl: string; tokens: TokenSource; logger: Logger; timeoutMs?: number }): RecordsSupportClient {
  const { recordsUrl, tokens, logger } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  const call = (path: string, init: { method?: string; body?: string } = {}) =>
    authorizedFetch(tokens, `${recordsUrl}${path}`, {
      method: init.method ?? "GET",
      headers: { accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}) },
      body: init.body,
      timeoutMs,
    });
  async function read<T>(path: string): Promise<Read<T>> {
    try {
      const response = await call(path);
      if (response.status === 404) return (await response.body?.cancel(), { status: "not_found" });
      if (!response.ok) {
        logger.warn("records_support_call_failed", { path, status: response.status });
        await response.body?.cancel();
        return { status: "unavailable" };
      }
      return { status: "found", value: (await response.json()) as T };
    } catch (error) {
      logger.warn("records_support_call_failed", { path, error: error as Error });
      return { status: "unavailable" };
    }
  }
  return {
    teacherSummary: (trn) => read(`/v2/support/teachers/${encodeURIComponent(trn)}`),
    changeRequest: (reference) => read(`/v2/support/change-requests/${encodeURIComponent(reference)}`),
    async evidence(reference) {
      try {
        const response = await call(`/v2/support/change-requests/${encodeURIComponent(reference)}/evidence`);
        if (response.status === 404) return (await response.body?.cancel(), { status: "not_found" });
        if (!response.ok) return (await response.body?.cancel(), { status: "unavailable" });
        return { status: "found", response };
      } catch (error) {
        logger.warn("records_support_call_failed", { path: "evidence", error: error as Error });
        return { status: "unavailable" };
      }
    },
    async decide(reference, decision, input) {
      const path = `/v2/support/change-requests/${encodeURIComponent(reference)}/${decision}`;
      try {
        const response = await call(path, { method: "POST", body: JSON.stringify(input) });
        if (response.status === 404) return (await response.body?.cancel(), { status: "not_found" });
        if (response.status === 409) return (await response.body?.cancel(), { status: "closed" });
        if (!response.ok) {
          logger.warn("records_support_call_failed", { path, status: response.status });
          await response.body?.cancel();
          return { status: "unavailable" };
        }
        return { status: "decided", value: (await response.json()) as ChangeRequestDetail };
      } catch (error) {
        logger.warn("records_support_call_failed", { path, error: error as Error });
        return { status: "unavailable" };
      }
    },
  };
}
