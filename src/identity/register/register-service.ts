// The registration journey's decisions, as plain functions over plain values: what the TRN token
// and the browser's session mean now, the teacher's record from records, and binding the token to
// an account the user has proved is theirs. Pages and responses are the handlers' business.
import { findAccountByEmail, findAccountById, findAccountByTrn, type Account } from "../accounts/accounts";
import type { JourneyDeps } from "../journey/journey-deps";
import { saveJourney, type Journey } from "../journey/journey-store";
import type { RegistrationAnswers } from "../journey/journey-state";
import { readAccountRequest, sessionCountsFor } from "../oidc/hand-off";
import { readSession } from "../sessions/session";
import { findTrnToken, tokenStatus } from "../trn-tokens/trn-tokens";
import type { TeacherLookup } from "./records-client";
import { bindTokenToAccount, bindingConflict, type BindFailure, type BindResult } from "./trn-token-binding";

/** The registration journey also reads the teacher's record at records. */
export interface RegisterDeps extends JourneyDeps {
  findTeacher: TeacherLookup;
}

export type Situation =
  | { kind: "token-unknown" }
  | { kind: "token-expired" }
  | { kind: "token-used" }
  /** Signed in already, as the token's email. */
  | { kind: "signed-in-same-email"; account: Account }
  /** Signed in already, as someone else: ask which account to use. */
  | { kind: "signed-in-other-email"; account: Account; tokenEmail: string }
  /** The token's email has an account that can take the TRN. */
  | { kind: "existing-account"; account: Account }
  | { kind: "account-has-other-trn"; account: Account }
  | { kind: "trn-bound-elsewhere"; otherEmail: string }
  /** Nobody has this email or TRN: register. */
  | { kind: "new" };

/** Works out, from scratch each time, what the token and the browser's session mean now. */
export function currentSituation(
  deps: Pick<JourneyDeps, "db">,
  requestId: string,
  answers: RegistrationAnswers,
  cookieHeader: string | null,
  now = Date.now(),
): Situation {
  const token = findTrnToken(deps.db, answers.trnTokenHash);
  const status = tokenStatus(token, now);
  if (!token || status !== "valid") return { kind: `token-${status}` as "token-unknown" | "token-expired" | "token-used" };
  const session = readSession(deps.db, cookieHeader, now);
  const counts = session && sessionCountsFor(readAccountRequest(deps.db, requestId, now), session.authTime, now);
  const signedIn = session && counts ? findAccountById(deps.db, session.accountId) : undefined;
  if (signedIn) {
    if (signedIn.email !== token.email) return { kind: "signed-in-other-email", account: signedIn, tokenEmail: token.email };
    return conflictSituation(bindingConflict(deps.db, token, signedIn)) ?? { kind: "signed-in-same-email", account: signedIn };
  }
  const byEmail = findAccountByEmail(deps.db, token.email);
  if (byEmail) return conflictSituation(bindingConflict(deps.db, token, byEmail)) ?? { kind: "existing-account", account: byEmail };
  const byTrn = findAccountByTrn(deps.db, token.trn);
  if (byTrn) return { kind: "trn-bound-elsewhere", otherEmail: byTrn.email };
  return { kind: "new" };
}

function conflictSituation(conflict: BindFailure | undefined): Situation | undefined {
  if (!conflict) return undefined;
  if (conflict.kind === "account-has-other-trn") return { kind: "account-has-other-trn", account: conflict.account };
  if (conflict.kind === "trn-bound-elsewhere") return { kind: "trn-bound-elsewhere", otherEmail: conflict.otherEmail };
  return undefined;
}

/** Makes sure the journey has the teacher's names from records. */
export async function ensureTeacher(deps: RegisterDeps, journey: Journey): Promise<"ok" | "not_found" | "unavailable"> {
  const answers = journey.state.registration!;
  if (answers.teacher) return "ok";
  const result = await deps.findTeacher(answers.trn);
  if (result.status !== "found") {
    deps.logger.warn("registration_teacher_lookup", { outcome: result.status });
    return result.status;
  }
  answers.teacher = result.teacher;
  saveJourney(deps.db, journey);
  return "ok";
}

/**
 * Binds the journey's token to an account the user has just proved is theirs. A token already
 * bound to this very account (e.g. from a second tab) counts as done: nothing is left but to sign in.
 */
export function bindTokenForAccount(deps: Pick<JourneyDeps, "db" | "logger">, answers: RegistrationAnswers, account: Account): BindResult {
  const result = bindTokenToAccount(deps.db, { tokenHash: answers.trnTokenHash, accountId: account.id });
  if (result.ok) {
    deps.logger.info("trn_token_consumed", { account_id: account.id, existing_account: true });
    return result;
  }
  if (["used", "expired", "unknown"].includes(result.kind) && account.trn === answers.trn) return { ok: true, account };
  return result;
}
