// identity -> records: "is there exactly one teacher with these details?", over HTTP with identity's
// client-credentials token (scope teachers:match): POST {records}/v2/teachers/find. records answers
// with a TRN only for a strong, unique match, and otherwise "none", with no hint of which field
// failed. Never throws: the journey says "try again later" when records cannot answer.
import { authorizedFetch } from "../../auth/authorized-fetch";
import type { TokenSource } from "../../auth/client-credentials";
import type { Logger } from "../../log/logger";
import type { FindRecordAnswers } from "../journey/journey-state";

/** The body records takes (docs/CONTRACTS.md, "Finding a teacher's record"). */
export interface MatchRequest {
  lastName: string;
  previousLastNames?: string[];
  firstName?: string;
  dateOfBirth: string;
  trn?: string;
  nationalInsuranceNumber?: string;
  ittProviderName?: string;
  awardYear?: number;
}

export type MatchResult = { match: "unique"; trn: string } | { match: "none" } | { match: "unavailable"; limited: boolean };

export type TeacherMatcher = (request: MatchRequest) => Promise<MatchResult>;

/** What records is asked, from the journey's answers (all of them given: check answers is reached). */
export function matchRequestFor(answers: FindRecordAnswers): MatchRequest {
  const request: MatchRequest = { lastName: answers.lastName!, firstName: answers.firstName, dateOfBirth: answers.dateOfBirth! };
  if (answers.previousLastName) request.previousLastNames = [answers.previousLastName];
  const id = answers.identifier!;
  if (id.kind === "trn") request.trn = id.trn;
  if (id.kind === "nino") request.nationalInsuranceNumber = id.nino;
  if (id.kind === "provider") {
    request.ittProviderName = id.providerName;
    request.awardYear = id.awardYear;
  }
  return request;
}

export function createTeacherMatcher(options: { recordsUrl: string; tokens: TokenSource; logger: Logger; timeoutMs?: number }): TeacherMatcher {
  const { recordsUrl, tokens, logger } = options;
  return async (request) => {
    try {
      const response = await authorizedFetch(tokens, `${recordsUrl}/v2/teachers/find`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify(request),
        timeoutMs: options.timeoutMs ?? 5000,
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        logger.warn("records_match_failed", { status: response.status });
        return { match: "unavailable", limited: response.status === 429 };
      }
      const body = (await response.json()) as { match?: unknown; trn?: unknown };
      if (body.match === "unique" && typeof body.trn === "string" && /^\d{7}$/.test(body.trn)) return { match: "unique", trn: body.trn };
      if (body.match === "none") return { match: "none" };
      logger.warn("records_match_failed", { status: 200, detail: "unexpected answer" });
      return { match: "unavailable", limited: false };
    } catch (error) {
      logger.warn("records_match_failed", { error: error as Error });
      return { match: "unavailable", limited: false };
    }
  };
}
