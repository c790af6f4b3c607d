// The matching rule, as plain functions: what a teacher says about themselves against the records
// that share their date of birth. A TRN is given only for a strong match that exactly one record
// meets. Every candidate is checked on every rule, whatever an earlier check found, so the work
// done does not depend on which answer was right (see find-teacher.ts).
import { lastNameForms, normaliseNino, normaliseProviderName } from "./normalise";

/** What the teacher said (already valid in form: find-schemas.ts). */
export interface MatchQuestion {
  lastName: string;
  previousLastNames?: string[];
  firstName?: string;
  dateOfBirth: string;
  trn?: string;
  nationalInsuranceNumber?: string;
  ittProviderName?: string;
  awardYear?: number;
}

/** A record as the matcher needs it. */
export interface MatchCandidate {
  trn: string;
  lastName: string;
  previousLastNames: string[];
  dateOfBirth: string | null;
  nationalInsuranceNumber: string | null;
  qtsDate: string | null;
  /** The record's ITT providers: names and UKPRNs. */
  providers: { name: string; ukprn: string }[];
}

export type MatchAnswer = { match: "unique"; trn: string } | { match: "none" };

/** The question once prepared: normalised forms, computed once per request. */
export interface PreparedQuestion {
  names: Set<string>;
  dateOfBirth: string;
  trn: string | undefined;
  nino: string | undefined;
  provider: string | undefined;
  awardYear: string | undefined;
}

export function prepareQuestion(q: MatchQuestion): PreparedQuestion {
  const names = new Set<string>();
  for (const name of [q.lastName, ...(q.previousLastNames ?? [])]) for (const form of lastNameForms(name)) names.add(form);
  const provider = q.ittProviderName !== undefined ? q.ittProviderName.trim() : undefined;
  return {
    names,
    dateOfBirth: q.dateOfBirth,
    trn: q.trn,
    nino: q.nationalInsuranceNumber !== undefined ? normaliseNino(q.nationalInsuranceNumber) : undefined,
    // A UKPRN (8 digits) is compared as it is; a name by normaliseProviderName.
    provider: provider === undefined || provider === "" ? undefined : /^\d{8}$/.test(provider) ? provider : normaliseProviderName(provider),
    awardYear: q.awardYear !== undefined ? String(q.awardYear) : undefined,
  };
}

/**
 * Whether one record meets the strong rule: a last name (the record's or one of its previous ones,
 * against the one given or a previous one given) AND the date of birth, PLUS the TRN or the
 * National Insurance number, OR (without those) the training provider AND the year of QTS.
 * Each part is computed in full (no early return), so every candidate costs the same.
 */
export function meetsStrongRule(q: PreparedQuestion, c: MatchCandidate): boolean {
  let nameMatches = false;
  for (const name of [c.lastName, ...c.previousLastNames]) {
    for (const form of lastNameForms(name)) nameMatches = q.names.has(form) || nameMatches;
  }
  const dobMatches = c.dateOfBirth !== null && c.dateOfBirth === q.dateOfBirth;
  const trnMatches = q.trn !== undefined && c.trn === q.trn;
  const ninoMatches = q.nino !== undefined && c.nationalInsuranceNumber !== null && c.nationalInsuranceNumber === q.nino;
  let providerMatches = false;
  for (const p of c.providers) {
    const same = q.provider !== undefined && (p.ukprn === q.provider || normaliseProviderName(p.name) === q.provider);
    providerMatches = same || providerMatches;
  }
  const yearMatches = q.awardYear !== undefined && c.qtsDate !== null && c.qtsDate.slice(0, 4) === q.awardYear;
  const identifier = trnMatches || ninoMatches;
  const training = providerMatches && yearMatches;
  return nameMatches && dobMatches && (identifier || training);
}

/** The answer: a TRN when exactly one candidate meets the strong rule; otherwise "none". */
export function decideMatch(question: MatchQuestion, candidates: Iterable<MatchCandidate>): MatchAnswer {
  const q = prepareQuestion(question);
  let count = 0;
  let trn = "";
  for (const candidate of candidates) {
    const strong = meetsStrongRule(q, candidate);
    count += strong ? 1 : 0;
    trn = strong ? candidate.trn : trn;
  }
  return count === 1 ? { match: "unique", trn } : { match: "none" };
}
