// Teacher ID accounts: lookups and the few changes the journeys make. Emails are stored lower-cased.
import { and, eq, isNull, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { changedRows } from "../../db/changed-rows";
import { perConnection } from "../../db/per-connection";
import { accounts } from "../db/schema";
import type { IdentityDb } from "../db/database";

export type Account = typeof accounts.$inferSelect;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Every registration step looks accounts up (register-service currentSituation): prepared once.
const byId = perConnection((db: IdentityDb) => db.select().from(accounts).where(eq(accounts.id, sql.placeholder("v"))).prepare());
const byEmail = perConnection((db: IdentityDb) => db.select().from(accounts).where(eq(accounts.email, sql.placeholder("v"))).prepare());
const byTrn = perConnection((db: IdentityDb) => db.select().from(accounts).where(eq(accounts.trn, sql.placeholder("v"))).prepare());

export function findAccountById(db: IdentityDb, id: string): Account | undefined {
  return byId(db).get({ v: id });
}

export function findAccountByEmail(db: IdentityDb, email: string): Account | undefined {
  return byEmail(db).get({ v: normaliseEmail(email) });
}

export function findAccountByTrn(db: IdentityDb, trn: string): Account | undefined {
  return byTrn(db).get({ v: trn });
}

export interface NewAccount {
  email: string;
  phoneNumber: string | null;
  givenName: string | null;
  familyName: string | null;
  preferredName: string | null;
  birthdate: string | null;
  trn: string | null;
}

// Every registration: prepared once per connection (db/per-connection).
const ph = sql.placeholder;
const newAccount = perConnection((db: IdentityDb) =>
  db
    .insert(accounts)
    .values({
      id: ph("id"),
      email: ph("email"),
      emailVerified: ph("emailVerified"),
      phoneNumber: ph("phoneNumber"),
      phoneNumberVerified: ph("phoneNumberVerified"),
      givenName: ph("givenName"),
      familyName: ph("familyName"),
      preferredName: ph("preferredName"),
      birthdate: ph("birthdate"),
      trn: ph("trn"),
      createdAt: ph("now"),
      updatedAt: ph("now"),
    })
    .returning()
    .prepare(),
);

/** Inserts an account; throws on a duplicate email or TRN (unique indexes), so callers roll back. */
export function insertAccount(tx: IdentityDb, input: NewAccount, now = Date.now()): Account {
  return newAccount(tx).get({
    id: randomUUID(),
    email: normaliseEmail(input.email),
    // The email came from the teacher's record and the link reached that inbox.
    emailVerified: true,
    phoneNumber: input.phoneNumber,
    phoneNumberVerified: input.phoneNumber !== null,
    givenName: input.givenName,
    familyName: input.familyName,
    preferredName: input.preferredName,
    birthdate: input.birthdate,
    trn: input.trn,
    now,
  })!;
}

/** Binds a TRN to an account that has none; false when it already had one (nothing changed). */
export function attachTrn(tx: IdentityDb, accountId: string, trn: string, now = Date.now()): boolean {
  const bound = tx
    .update(accounts)
    .set({ trn, updatedAt: now })
    .where(and(eq(accounts.id, accountId), isNull(accounts.trn)))
    .run();
  return changedRows(bound) === 1;
}

/** Notes a sign-in (a new identity session) for operators: `identity accounts show`. */
export function recordSignIn(db: IdentityDb, accountId: string, at: number): void {
  signedIn(db).run({ at, id: accountId });
}
// Every sign-in: prepared once per connection (db/per-connection).
const signedIn = perConnection((db: IdentityDb) =>
  db
    .update(accounts)
    .set({ lastSignedInAt: sql`${sql.placeholder("at")}` })
    .where(eq(accounts.id, sql.placeholder("id")))
    .prepare(),
);

/** `jane.doe@example.com` -> `ja****e@example.com`: recognisable to its owner, not to others. */
export function partlyMaskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "****";
  const local = email.slice(0, at);
  const shown = local.length <= 3 ? local.slice(0, 1) : local.slice(0, 2);
  const tail = local.length > 4 ? local.slice(-1) : "";
  return `${shown}****${tail}${email.slice(at)}`;
}

/** True when an error from SQLite is a unique-constraint violation on `column` (e.g. "accounts.trn"). */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /UNIQUE constraint failed/.test(message) && (column === undefined || message.includes(column));
}
