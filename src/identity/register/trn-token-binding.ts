// Everything that consumes a TRN token. Each runs in ONE synchronous transaction and consumes the
// token with a conditional update (unconsumed, unexpired, changes = 1), so a token binds at most one
// account however many tabs submit at once; any failure rolls the consumption back.
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { consumeOnce } from "../../db/changed-rows";
import { perConnection } from "../../db/per-connection";
import type { IdentityDatabaseFile } from "../db/database";
import { trnTokens } from "../db/schema";
import { findTrnToken, tokenStatus, type TrnToken } from "../trn-tokens/trn-tokens";
import type { IdentityDb } from "../db/database";
import { actor, recordEvent } from "../events/events";
import { registerAccount } from "./register-account";
import {
  attachTrn,
  findAccountById,
  findAccountByTrn,
  isUniqueViolation,
  type Account,
  type NewAccount,
} from "../accounts/accounts";
import { enqueueDateOfBirthForRecords } from "./date-of-birth-to-records";

/** Why a token cannot be bound to an account (each has its own page). */
export type BindFailure =
  | { kind: "used" }
  | { kind: "expired" }
  | { kind: "unknown" }
  /** The account already holds a different TRN: the token stays unused. */
  | { kind: "account-has-other-trn"; account: Account }
  /** Another account holds the token's TRN. */
  | { kind: "trn-bound-elsewhere"; otherEmail: string }
  /** An account with the token's email appeared (e.g. created in another tab). */
  | { kind: "email-taken" };

export type BindResult = { ok: true; account: Account } | ({ ok: false } & BindFailure);

class Rollback extends Error {
  constructor(readonly failure: BindFailure) {
    super(failure.kind);
  }
}

// Every registration consumes its token: prepared once per connection (db/per-connection).
const consumeToken = perConnection((db: IdentityDb) =>
  db
    .update(trnTokens)
    .set({ consumedAt: sql`${sql.placeholder("now")}`, accountId: sql`${sql.placeholder("accountId")}` })
    .where(and(eq(trnTokens.tokenHash, sql.placeholder("tokenHash")), isNull(trnTokens.consumedAt), gt(trnTokens.expiresAt, sql.placeholder("now"))))
    .prepare(),
);

function consume(tx: IdentityDb, tokenHash: string, accountId: string, now: number): void {
  const consumed = consumeOnce({ run: () => consumeToken(tx).run({ now, accountId, tokenHash }) });
  if (consumed) return;
  const status = tokenStatus(findTrnToken(tx, tokenHash), now);
  throw new Rollback({ kind: status === "valid" ? "used" : status });
}

function runBinding(db: IdentityDatabaseFile, work: (tx: IdentityDb) => Account): BindResult {
  try {
    return { ok: true, account: db.transaction((tx) => work(tx)) };
  } catch (error) {
    if (error instanceof Rollback) return { ok: false, ...error.failure };
    throw error;
  }
}

/** What binding the token to an existing account would run into, without changing anything. */
export function bindingConflict(db: IdentityDb, token: TrnToken, account: Account): BindFailure | undefined {
  if (account.trn !== null && account.trn !== token.trn) return { kind: "account-has-other-trn", account };
  if (account.trn === null) {
    const holder = findAccountByTrn(db, token.trn);
    if (holder && holder.id !== account.id) return { kind: "trn-bound-elsewhere", otherEmail: holder.email };
  }
  return undefined;
}

/** Consumes the token for an existing account, attaching its TRN when the account has none. */
export function bindTokenToAccount(db: IdentityDatabaseFile, input: { tokenHash: string; accountId: string }, now = Date.now()): BindResult {
  return runBinding(db, (tx) => {
    const token = findTrnToken(tx, input.tokenHash);
    const account = findAccountById(tx, input.accountId);
    if (!token || !account) throw new Rollback({ kind: "unknown" });
    const conflict = bindingConflict(tx, token, account);
    if (conflict) throw new Rollback(conflict);
    consume(tx, input.tokenHash, account.id, now);
    if (account.trn === null) {
      try {
        attachTrn(tx, account.id, token.trn, now);
      } catch (error) {
        if (!isUniqueViolation(error, "trn")) throw error;
        throw new Rollback({ kind: "trn-bound-elsewhere", otherEmail: findAccountByTrn(tx, token.trn)?.email ?? "" });
      }
      recordEvent(tx, { type: "TrnBound", actor: actor.account(account.id), subject: account.id, payload: { trn: token.trn, via: "trn-token", clientId: token.clientId } }, now);
    }
    return findAccountById(tx, account.id)!;
  });
}

/**
 * Creates the account from the journey's answers and consumes the token, all or nothing. Its email
 * is the token's unless the journey verified another (`email`, confirmed with a code).
 */
export function createAccountWithToken(
  db: IdentityDatabaseFile,
  input: {
    tokenHash: string;
    email?: string;
    account: Omit<NewAccount, "trn" | "email">;
    /** The date of birth the teacher gave because their record had none: it goes to records too (outbox). */
    dateOfBirthForRecords?: string;
  },
  now = Date.now(),
): BindResult {
  return runBinding(db, (tx) => {
    const token = findTrnToken(tx, input.tokenHash);
    if (!token) throw new Rollback({ kind: "unknown" });
    let account: Account;
    try {
      account = registerAccount(tx, { ...input.account, email: input.email ?? token.email, trn: token.trn }, { clientId: token.clientId, via: "trn-token" }, now);
    } catch (error) {
      if (isUniqueViolation(error, "accounts.email")) {
        // Another tab may have just created it with this very token: then the token is used.
        const status = tokenStatus(findTrnToken(tx, input.tokenHash), now);
        throw new Rollback(status === "used" ? { kind: "used" } : { kind: "email-taken" });
      }
      if (isUniqueViolation(error, "accounts.trn"))
        throw new Rollback({ kind: "trn-bound-elsewhere", otherEmail: findAccountByTrn(tx, token.trn)?.email ?? "" });
      throw error;
    }
    consume(tx, input.tokenHash, account.id, now);
    if (input.dateOfBirthForRecords) enqueueDateOfBirthForRecords(tx, { trn: token.trn, dateOfBirth: input.dateOfBirthForRecords, accountId: account.id }, now);
    return account;
  });
}
