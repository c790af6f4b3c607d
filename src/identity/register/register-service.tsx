// The registration journey's decisions: what the TRN token and the browser's state mean for the
// next page, and the final steps that bind the token (see trn-token-binding.ts).
import { enqueueEmail } from "../../outbox/enqueue";
import { findAccountByEmail, findAccountById, findAccountByTrn, type Account } from "../accounts/accounts";
import type { IdentityDatabase } from "../db/database";
import { issueTrnToken } from "../trn-tokens/trn-tokens";
import { readPendingRequest, sessionSatisfies } from "../journey/authorization-request";
import type { JourneyDeps } from "../journey/journey-deps";
import type { RegistrationAnswers } from "../journey/journey-state";
import { saveJourney, type Journey } from "../journey/journey-store";
import { finishJourney } from "../journey/finish";
import { pageResponse } from "../journey/http";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { readSession } from "../sessions/session";
import { newLinkEmail } from "../security-codes/messages";
import { bindTokenToAccount, bindingConflict, findTrnToken, tokenStatus, type BindFailure } from "./trn-token-binding";
import { BindFailurePage } from "./register-pages";

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
  deps: JourneyDeps,
  requestId: string,
  answers: RegistrationAnswers,
  cookieHeader: string | null,
  now = Date.now(),
): Situation {
  const token = findTrnToken(deps.db, answers.trnTokenHash);
  const status = tokenStatus(token, now);
  if (!token || status !== "valid") return { kind: `token-${status}` as "token-unknown" | "token-expired" | "token-used" };
  const session = readSession(deps.db, cookieHeader, now);
  const counts = session && sessionSatisfies(readPendingRequest(deps.db, requestId, now), session.authTime, now);
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

/** Makes sure the journey has the teacher's names from records; false when records cannot say. */
export async function ensureTeacher(deps: JourneyDeps, journey: Journey): Promise<"ok" | "not_found" | "unavailable"> {
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

/** Binds the journey's token to an account the user has just proved is theirs, then finishes. */
export async function bindAndFinish(
  deps: JourneyDeps,
  journey: Journey,
  account: Account,
  options: { reuseSession?: boolean; authTime?: number } = {},
): Promise<Response> {
  const answers = journey.state.registration!;
  const result = bindTokenToAccount(deps.db, { tokenHash: answers.trnTokenHash, accountId: account.id });
  if (result.ok) {
    deps.logger.info("trn_token_consumed", { account_id: account.id, existing_account: true });
    return finishJourney(deps, journey, result.account, options);
  }
  // Already bound to this very account (e.g. a second tab): nothing left to do but sign in.
  if (["used", "expired", "unknown"].includes(result.kind) && account.trn === answers.trn) return finishJourney(deps, journey, account, options);
  return pageResponse(<BindFailurePage brand={deps.brand} failure={result} requestId={journey.state.requestId} />, { status: 409 });
}

/**
 * "Email me a new link" for an expired token: a fresh token to the same address, with a link built
 * from the client's initiate_login_uri. Returns nothing the caller shows: the reply is the same for
 * every token. Only the per-IP limit (checked by the caller) changes the reply.
 */
export function sendNewLink(
  deps: JourneyDeps,
  input: { tokenHash: string; initiateLoginUri: string | null },
  now = Date.now(),
): void {
  deps.db.transaction((tx) => {
    const old = findTrnToken(tx, input.tokenHash);
    if (!old || tokenStatus(old, now) !== "expired") return;
    if (!input.initiateLoginUri) {
      deps.logger.warn("new_link_not_sent", { reason: "client has no initiate_login_uri", client_id: old.clientId });
      return;
    }
    const limit = hitRateLimit(tx, `send:link:to:${old.email}`, { limit: deps.config.CODE_SEND_LIMIT_PER_ADDRESS, windowMs: deps.config.RATE_LIMIT_WINDOW }, now);
    if (!limit.allowed) return;
    // Each expired token gets at most one successor, however often the button is pressed.
    const successorKey = `renewed:${old.tokenHash}`;
    const renewed = hitRateLimit(tx, successorKey, { limit: 1, windowMs: deps.trnTokenLifetimeMs }, now);
    if (!renewed.allowed) return;
    const issued = issueTrnToken(tx as unknown as IdentityDatabase, { trn: old.trn, email: old.email, clientId: old.clientId }, { ttlMs: deps.trnTokenLifetimeMs, now });
    const link = new URL(input.initiateLoginUri);
    link.searchParams.set("trn_token", issued.trnToken);
    enqueueEmail(tx, newLinkEmail(old.email, link.toString(), formatDateTime(Date.parse(issued.expiresUtc))), now);
    deps.logger.info("new_link_sent", { client_id: old.clientId });
  });
}

export function formatDateTime(at: number): string {
  const date = new Date(at);
  const day = date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" });
  const time = date
    .toLocaleTimeString("en-GB", { hour: "numeric", minute: "2-digit", hour12: true, timeZone: "Europe/London" })
    .replace(" ", "");
  return `${day} at ${time}`;
}

