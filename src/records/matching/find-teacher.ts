// POST /v2/teachers/find's service: reads every record with the given date of birth (an indexed
// read) with their ITT providers, and applies the strong rule to each (match-rules.ts).
//
// The work is the same whatever the answer: the read depends on the date of birth only (never on
// a name, TRN or NI number, which are compared in memory), every candidate is checked on every
// rule, and the reply has one of two shapes. So a caller who changes one answer at a time learns
// nothing from the time taken or the reply, beyond "unique" once every strong answer is right.
import type { RecordsDatabase } from "../db/database";
import { decideMatch, type MatchAnswer, type MatchCandidate, type MatchQuestion } from "./match-rules";

interface CandidateRow {
  id: number;
  trn: string;
  lastName: string;
  previousLastNames: string;
  dateOfBirth: string | null;
  nino: string | null;
  qtsDate: string | null;
  providerName: string | null;
  providerUkprn: string | null;
}

function parseNames(json: string): string[] {
  try {
    const names = JSON.parse(json) as unknown;
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
  } catch {
    return [];
  }
}

/** A finder with its statement prepared once (the API's hot path). */
export function createTeacherFinder(db: RecordsDatabase): (question: MatchQuestion) => MatchAnswer {
  const byDateOfBirth = db.$client.query<CandidateRow, { dob: string }>(
    `SELECT t.id, t.trn, t.last_name AS lastName, t.previous_last_names AS previousLastNames, t.date_of_birth AS dateOfBirth,
       t.national_insurance_number AS nino, t.qts_date AS qtsDate, i.provider_name AS providerName, i.provider_ukprn AS providerUkprn
     FROM teachers t LEFT JOIN itt_records i ON i.teacher_id = t.id
     WHERE t.date_of_birth = $dob ORDER BY t.id`,
  );
  return (question) => {
    const candidates = new Map<number, MatchCandidate>();
    for (const row of byDateOfBirth.all({ dob: question.dateOfBirth })) {
      let candidate = candidates.get(row.id);
      if (!candidate) {
        candidate = {
          trn: row.trn,
          lastName: row.lastName,
          previousLastNames: parseNames(row.previousLastNames),
          dateOfBirth: row.dateOfBirth,
          nationalInsuranceNumber: row.nino,
          qtsDate: row.qtsDate,
          providers: [],
        };
        candidates.set(row.id, candidate);
      }
      if (row.providerName !== null && row.providerUkprn !== null) candidate.providers.push({ name: row.providerName, ukprn: row.providerUkprn });
    }
    return decideMatch(question, candidates.values());
  };
}
