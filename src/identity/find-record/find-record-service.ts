// The decisions of "Create an account without a link", as plain functions: asking records for the
// teacher's record (within the journey's and the IP's limits, never the same details twice, and
// never more than FIND_RECORD_FAILURES_BEFORE_SUPPORT "none" answers), and creating the account:
// bound to the TRN records found, or without one and with a support case.
import { findAccountByTrn, isUniqueViolation, type Account } from "../accounts/accounts";
import { registerAccount } from "../register/register-account";
import { actor, recordEvent } from "../events/events";
import type { JourneyDeps } from "../journey/journey-deps";
import type { FindRecordAnswers } from "../journey/journey-state";
import { saveJourney, type Journey } from "../journey/journey-store";
import { readAccountRequest } from "../oidc/hand-off";
import { hitRateLimits } from "../rate-limit/rate-limit";
import type { TeacherLookup } from "../register/records-client";
import type { BindFailure } from "../register/trn-token-binding";
import { detailsHash, failedAsTheyAre } from "./find-record-steps";
import { matchRequestFor, type TeacherMatcher } from "./records-matcher";
import { caseAnswersFrom, openSupportCase } from "./support-cases";

export interface FindRecordSettings {
  /** Where emails tell the teacher to sign in (access's start). */
  accessUrl: string;
  /** "5 working days": when support will have looked. */
  responseTime: string;
  failuresBeforeSupport: number;
  limitPerIp: number;
  limitPerJourney: number;
  rateLimitWindowMs: number;
}

export interface FindRecordDeps extends JourneyDeps {
  matchTeacher: TeacherMatcher;
  findTeacher: TeacherLookup;
  findRecord: FindRecordSettings;
}

export type SearchOutcome =
  | { kind: "created"; account: Account }
  | { kind: "bind-failure"; failure: BindFailure }
  /** records found no unique match; `exhausted`: the journey may not ask again. */
  | { kind: "not-found"; exhausted: boolean }
  | { kind: "unavailable"; limited: boolean }
  | { kind: "rate-limited"; retryAt: number };

/** Whether this journey has used up its searches: it goes to support. */
export function searchesExhausted(deps: Pick<FindRecordDeps, "findRecord">, answers: FindRecordAnswers): boolean {
  return (answers.failures ?? 0) >= deps.findRecord.failuresBeforeSupport;
}

/** Asks records for the teacher's record and, on a unique match, creates the account bound to its TRN. */
export async function searchForRecord(deps: FindRecordDeps, journey: Journey, ip: string, now = Date.now()): Promise<SearchOutcome> {
  const answers = journey.state.findRecord!;
  if (searchesExhausted(deps, answers)) return { kind: "not-found", exhausted: true };
  // The same details again (a refresh, a resubmitted form): the same answer, without asking.
  if (failedAsTheyAre(answers)) return { kind: "not-found", exhausted: false };
  const { rateLimitWindowMs: windowMs } = deps.findRecord;
  const limit = hitRateLimits(
    deps.db,
    [
      { key: `find-record:ip:${ip}`, rule: { limit: deps.findRecord.limitPerIp, windowMs } },
      { key: `find-record:journey:${journey.idHash}`, rule: { limit: deps.findRecord.limitPerJourney, windowMs } },
    ],
    now,
  );
  if (!limit.allowed) {
    deps.logger.warn("find_record_rate_limited", {});
    return { kind: "rate-limited", retryAt: limit.retryAt };
  }
  answers.attempts = (answers.attempts ?? 0) + 1;
  const result = await deps.matchTeacher(matchRequestFor(answers));
  if (result.match === "unavailable") {
    saveJourney(deps.db, journey);
    return { kind: "unavailable", limited: result.limited };
  }
  if (result.match === "none") {
    answers.failures = (answers.failures ?? 0) + 1;
    answers.lastFailedDetails = detailsHash(answers);
    saveJourney(deps.db, journey);
    deps.logger.info("find_record_no_match", { failures: answers.failures });
    return { kind: "not-found", exhausted: searchesExhausted(deps, answers) };
  }
  saveJourney(deps.db, journey);
  return createAccountWithTrn(deps, journey, result.trn, now);
}

function newAccountFrom(answers: FindRecordAnswers, trn: string | null) {
  return {
    email: answers.email!,
    phoneNumber: null,
    givenName: answers.firstName ?? null,
    familyName: answers.lastName ?? null,
    preferredName: null,
    birthdate: answers.dateOfBirth ?? null,
    trn,
  };
}

const clientIdOf = (deps: Pick<FindRecordDeps, "db">, journey: Journey) =>
  journey.state.requestId === undefined ? null : (readAccountRequest(deps.db, journey.state.requestId)?.clientId ?? null);

/** Why an insert failed, as the registration journey's pages say it; rethrows anything else. */
function bindFailureOf(deps: Pick<FindRecordDeps, "db">, error: unknown, trn: string | null): BindFailure {
  if (isUniqueViolation(error, "accounts.email")) return { kind: "email-taken" };
  if (trn !== null && isUniqueViolation(error, "accounts.trn")) return { kind: "trn-bound-elsewhere", otherEmail: findAccountByTrn(deps.db, trn)?.email ?? "" };
  throw error;
}

/** A unique match: the account, bound to the TRN (UserRegistered and TrnBound), in one transaction. */
export function createAccountWithTrn(deps: FindRecordDeps, journey: Journey, trn: string, now = Date.now()): SearchOutcome {
  const answers = journey.state.findRecord!;
  const holder = findAccountByTrn(deps.db, trn);
  if (holder) return { kind: "bind-failure", failure: { kind: "trn-bound-elsewhere", otherEmail: holder.email } };
  try {
    const account = deps.db.transaction((tx) => {
      const created = registerAccount(tx, newAccountFrom(answers, trn), { clientId: clientIdOf(deps, journey), via: "find-record" }, now);
      recordEvent(tx, { type: "TrnBound", actor: actor.account(created.id), subject: created.id, payload: { trn, via: "find-record" } }, now);
      return created;
    });
    deps.logger.info("account_created", { account_id: account.id, via: "find-record", trn_found: true });
    return { kind: "created", account };
  } catch (error) {
    return { kind: "bind-failure", failure: bindFailureOf(deps, error, trn) };
  }
}

/** No match: the account without a TRN, and a support case with the answers, in one transaction. */
export function createAccountWithSupportCase(
  deps: FindRecordDeps,
  journey: Journey,
  now = Date.now(),
): { ok: true; reference: string; accountId: string } | { ok: false; failure: BindFailure } {
  const answers = journey.state.findRecord!;
  try {
    const created = deps.db.transaction((tx) => {
      const account = registerAccount(tx, newAccountFrom(answers, null), { clientId: clientIdOf(deps, journey), via: "find-record" }, now);
      const reference = openSupportCase(
        tx,
        { accountId: account.id, email: account.email, answers: caseAnswersFrom(answers) },
        { accessUrl: deps.findRecord.accessUrl, responseTime: deps.findRecord.responseTime },
        now,
      );
      answers.supportCase = { reference, accountId: account.id };
      saveJourney(tx, journey, now);
      return { reference, accountId: account.id };
    });
    deps.nudgeOutbox();
    deps.logger.info("account_created", { account_id: created.accountId, via: "find-record", trn_found: false });
    deps.logger.info("support_case_opened", { reference: created.reference, account_id: created.accountId });
    return { ok: true, ...created };
  } catch (error) {
    delete answers.supportCase;
    return { ok: false, failure: bindFailureOf(deps, error, null) };
  }
}
