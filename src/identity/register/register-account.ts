// Creating an account as a registration does, whichever journey: the account and its
// UserRegistered event, in the caller's transaction (the magic link consumes its token in the same
// one; "Create an account without a link" adds TrnBound or a support case).
import { actor, recordEvent } from "../events/events";
import type { IdentityDb } from "../db/database";
import { insertAccount, type Account, type NewAccount } from "../accounts/accounts";

export interface RegistrationOrigin {
  /** The client whose request the journey completes (the magic link's issuer for a TRN token). */
  clientId: string | null;
  /** How the account was made: a magic link's TRN token, or by finding the teacher's record. */
  via: "trn-token" | "find-record";
}

/** Inserts the account (throws on a taken email or TRN, so the caller rolls back) and records UserRegistered. */
export function registerAccount(tx: IdentityDb, input: NewAccount, origin: RegistrationOrigin, now = Date.now()): Account {
  const account = insertAccount(tx, input, now);
  const payload: Record<string, unknown> = { trn: account.trn, clientId: origin.clientId, withPhone: account.phoneNumber !== null };
  if (origin.via !== "trn-token") payload.via = origin.via;
  recordEvent(tx, { type: "UserRegistered", actor: actor.account(account.id), subject: account.id, payload }, now);
  return account;
}
