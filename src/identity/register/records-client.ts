// identity -> records: the teacher's names and date of birth, read over HTTP with a
// client-credentials token (scope teachers:read). Never throws: the journey shows "try again later".
import type { Logger } from "../../log/logger";
import type { TeacherNames } from "../journey/journey-state";

export type TeacherLookupResult =
  | { status: "found"; teacher: TeacherNames }
  | { status: "not_found" }
  | { status: "unavailable" };

export type TeacherLookup = (trn: string) => Promise<TeacherLookupResult>;

export interface AccessTokenSource {
  getToken(): Promise<string>;
  invalidate(): void;
}

export function createTeacherLookup(options: {
  recordsUrl: string;
  tokens: AccessTokenSource;
  logger: Logger;
  timeoutMs?: number;
}): TeacherLookup {
  const { recordsUrl, tokens, logger } = options;
  const fetchOnce = async (trn: string) =>
    fetch(`${recordsUrl}/v2/teachers/${encodeURIComponent(trn)}`, {
      headers: { authorization: `Bearer ${await tokens.getToken()}`, accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  return async (trn) => {
    try {
      let response = await fetchOnce(trn);
      if (response.status === 401) {
        // A token revoked or signed by a rotated key: one fresh token, one retry.
        tokens.invalidate();
        response = await fetchOnce(trn);
      }
      if (response.status === 404) return { status: "not_found" };
      if (!response.ok) {
        logger.warn("records_lookup_failed", { status: response.status });
        return { status: "unavailable" };
      }
      const body = (await response.json()) as Record<string, unknown>;
      const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
      const dob = text(body.dateOfBirth);
      return {
        status: "found",
        teacher: {
          firstName: text(body.firstName),
          middleName: text(body.middleName),
          lastName: text(body.lastName),
          dateOfBirth: dob && /^\d{4}-\d{2}-\d{2}$/.test(dob) ? dob : null,
        },
      };
    } catch (error) {
      logger.warn("records_lookup_failed", { error: error as Error });
      return { status: "unavailable" };
    }
  };
}
