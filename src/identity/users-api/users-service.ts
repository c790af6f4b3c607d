// The Users API's work, as plain functions: accounts as the API shows them, pages of accounts with
// an opaque cursor, and binding a TRN (checked against records first) with its TrnBound event.
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { IdentityDb } from "../db/database";
import { attachTrn, findAccountById, findAccountByTrn, isUniqueViolation, type Account } from "../accounts/accounts";
import type { IdentityDatabaseFile } from "../db/database";
import { accounts } from "../db/schema";
import { actor, recordEvent } from "../events/events";
import { defaultPageSize, type ApiUser, type ListUsersQuery, type UserList } from "./users-api-schemas";

/** The account as the API shows it; the phone number only for a client allowed to see it. */
export function toApiUser(account: Account, options: { withPhone: boolean }): ApiUser {
  return {
    sub: account.id,
    email: account.email,
    emailVerified: account.emailVerified,
    givenName: account.givenName,
    familyName: account.familyName,
    preferredName: account.preferredName,
    dateOfBirth: account.birthdate,
    trn: account.trn,
    ...(options.withPhone ? { phoneNumber: account.phoneNumber, phoneNumberVerified: account.phoneNumberVerified } : {}),
    createdUtc: new Date(account.createdAt).toISOString(),
    updatedUtc: new Date(account.updatedAt).toISOString(),
  };
}

// A cursor names the last account of a page by its place in the order (created time, then sub).
// base64url of JSON: opaque to clients, and checked when it comes back.
interface Cursor {
  createdAt: number;
  sub: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.sub])).toString("base64url");
}

export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, sub] = value;
    if (!Number.isSafeInteger(createdAt) || typeof sub !== "string" || sub.length === 0 || sub.length > 100) return undefined;
    return { createdAt, sub };
  } catch {
    return undefined;
  }
}

export type ListOutcome = { ok: true; page: UserList } | { ok: false; invalid: "cursor" };

export function listUsers(db: IdentityDb, query: ListUsersQuery, options: { withPhone: boolean }): ListOutcome {
  const conditions: SQL[] = [];
  if (query.email !== undefined) conditions.push(eq(accounts.email, query.email));
  if (query.trn !== undefined) conditions.push(eq(accounts.trn, query.trn));
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor);
    if (!after) return { ok: false, invalid: "cursor" };
    // Row values compare in order: later created, or created at the same time with a later sub.
    conditions.push(sql`(${accounts.createdAt}, ${accounts.id}) > (${after.createdAt}, ${after.sub})`);
  }
  const limit = query.limit ?? defaultPageSize;
  // One more than a page: whether it is there says whether there is a next page.
  const rows = db
    .select()
    .from(accounts)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(accounts.createdAt), asc(accounts.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    ok: true,
    page: {
      users: page.map((account) => toApiUser(account, options)),
      nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, sub: last.id }) : null,
    },
  };
}

export function findUser(db: IdentityDb, sub: string): Account | undefined {
  return findAccountById(db, sub);
}

/** Whether records holds a teacher with this TRN ("unavailable": records could not say). */
export type TeacherCheck = (trn: string) => Promise<"found" | "not_found" | "unavailable">;

export type BindTrnOutcome =
  | { kind: "bound"; account: Account }
  /** The account already had this TRN: nothing changed, no event. */
  | { kind: "unchanged"; account: Account }
  | { kind: "no-account" }
  | { kind: "no-teacher" }
  | { kind: "records-unavailable" }
  | { kind: "trn-bound-elsewhere" }
  | { kind: "account-has-other-trn" };

/**
 * Binds `trn` to the account `sub`, after records confirms a teacher has it. The binding and its
 * TrnBound event are one transaction: both happen or neither. A TRN is never taken from another
 * account, and an account's TRN is never replaced. `by` names a staff member and their reason
 * (src/identity/support/) instead of the client.
 */
export async function bindTrn(
  db: IdentityDatabaseFile,
  teacherExists: TeacherCheck,
  input: { sub: string; trn: string; clientId: string | null; by?: { actor: string; reason: string } },
  now = () => Date.now(),
): Promise<BindTrnOutcome> {
  // Cheap refusals first, so records is asked only about a binding that could happen.
  const before = findAccountById(db, input.sub);
  if (!before) return { kind: "no-account" };
  if (before.trn === input.trn) return { kind: "unchanged", account: before };
  if (before.trn !== null) return { kind: "account-has-other-trn" };
  const holder = findAccountByTrn(db, input.trn);
  if (holder) return { kind: "trn-bound-elsewhere" };

  const check = await teacherExists(input.trn);
  if (check === "not_found") return { kind: "no-teacher" };
  if (check === "unavailable") return { kind: "records-unavailable" };

  // Things may have moved while records answered: decide again, inside the transaction.
  try {
    return db.transaction((tx): BindTrnOutcome => {
      const account = findAccountById(tx, input.sub);
      if (!account) return { kind: "no-account" };
      if (account.trn === input.trn) return { kind: "unchanged", account };
      if (account.trn !== null) return { kind: "account-has-other-trn" };
      const at = now();
      if (!attachTrn(tx, account.id, input.trn, at)) return { kind: "account-has-other-trn" };
      // A client (Users API), or a staff member with their reason (the support console).
      const by = input.by ?? { actor: actor.client(input.clientId ?? "unknown"), reason: undefined };
      recordEvent(tx, { type: "TrnBound", actor: by.actor, subject: account.id, payload: { trn: input.trn, ...(by.reason ? { reason: by.reason } : {}) } }, at);
      return { kind: "bound", account: findAccountById(tx, account.id)! };
    });
  } catch (error) {
    // Another account took the TRN between our check and our write (accounts.trn is unique).
    if (isUniqueViolation(error, "accounts.trn")) return { kind: "trn-bound-elsewhere" };
    throw error;
  }
}
