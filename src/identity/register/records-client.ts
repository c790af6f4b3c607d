// identity -> records: the teacher's names and date of birth, read over HTTP with a
// client-credentials token (scope teachers:read). Never throws: the journey shows "try again later".
import { authorizedFetch } from "../../auth/authorized-fetch";
import type { TokenSource } from "../../auth/client-credentials";
import type { Logger } from "../../log/logger";
import type { TeacherNames } from "../journey/journey-state";

export type TeacherLookupResult =
  | { status: "found"; teacher: TeacherNames }
  | { status: "not_found" }
  | { status: "unavailable" };

export type TeacherLookup = (trn: string) => Promise<TeacherLookupResult>;

export function createTeacherLookup(options: {
  recordsUrl: string;
  tokens: TokenSource;
  logger: Logger;
  timeoutMs?: number;
}): TeacherLookup {
  const { recordsUrl, tokens, logger } = options;
  return async (trn) => {
    try {
      const response = await authorizedFetch(tokens, `${recordsUrl}/v2/teachers/${encodeURIComponent(trn)}`, {
        headers: { accept: "application/json" },
        timeoutMs: options.timeoutMs ?? 5000,
      });
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
          dateOfBirthFromTeacher: body.dateOfBirthProvenance === "teacher",
        },
      };
    } catch (error) {
      logger.warn("records_lookup_failed", { error: error as Error });
      return { status: "unavailable" };
    }
  };
}
