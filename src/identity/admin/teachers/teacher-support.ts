// What support staff do to a teacher's account, as plain functions over plain values. Each change
// is ONE synchronous transaction with its audit event (actor `staff:<id>`, the reason in the
// payload) and its outbox rows.
//
// Events: a changed email or mobile is `UserUpdated` (as when the teacher changes it, with
// `reason` and `by: "support"` added); blocking and unblocking are `UserBlocked` / `UserUnblocked`.
import { and, count, desc, eq, gt, isNull, or, sql, type SQL } from "drizzle-orm";
import { changedRows } from "../../../db/changed-rows";
import { enqueueEmail } from "../../../outbox/enqueue";
import { isUniqueViolation, normaliseEmail, type Account } from "../../accounts/accounts";
import type { IdentityDb } from "../../db/database";
import { accountBlocks, accounts, grants, mergedAccounts, sessions } from "../../db/schema";
import { actor, eventsAbout, recordEvent, type StoredEvent } from "../../events/events";
import { maskedChange } from "../../events/masking";
import { revokeAccountGrants } from "../../oidc/grants";
import { staffChangedEmailNotice } from "../admin-messages";

export const searchPageSize = 20;

export type SearchKind = "trn" | "email" | "sub" | "name";

/** What the query looks like: a TRN (7 digits), a sub (UUID), an email address (has @), or a name (or an email's start). */
export function searchKind(query: string): SearchKind {
  if (/^\d{7}$/.test(query)) return "trn";
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query)) return "sub";
  if (query.includes("@")) return "email";
  return "name";
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Accounts matching `query`, a page at a time (newest first), and how many match in all. */
export function searchAccounts(db: IdentityDb, query: string, page: number): { kind: SearchKind; accounts: Account[]; total: number } {
  const q = query.trim();
  const kind = searchKind(q);
  let where: SQL | undefined;
  if (kind === "trn") where = eq(accounts.trn, q);
  else if (kind === "sub") where = eq(accounts.id, q.toLowerCase());
  else if (kind === "email") where = sql`${accounts.email} like ${`${escapeLike(normaliseEmail(q))}%`} escape '\\'`;
  else {
    const pattern = `%${escapeLike(q.toLowerCase())}%`;
    const fullName = sql`lower(coalesce(${accounts.givenName}, '') || ' ' || coalesce(${accounts.familyName}, ''))`;
    // A name, or the start of an email address typed without its @.
    const emailStart = `${escapeLike(q.toLowerCase())}%`;
    where = or(
      sql`${fullName} like ${pattern} escape '\\'`,
      sql`lower(coalesce(${accounts.preferredName}, '')) like ${pattern} escape '\\'`,
      sql`${accounts.email} like ${emailStart} escape '\\'`,
    );
  }
  const rows = db
    .select()
    .from(accounts)
    .where(where)
    .orderBy(desc(accounts.createdAt), accounts.id)
    .limit(searchPageSize)
    .offset((page - 1) * searchPageSize)
    .all();
  const total = db.select({ n: count() }).from(accounts).where(where).get()?.n ?? 0;
  return { kind, accounts: rows, total };
}

export interface SessionRow {
  createdAt: number;
  authTime: number;
  expiresAt: number;
}

export interface GrantRow {
  clientId: string;
  scope: string;
  createdAt: number;
  revokedAt: number | null;
}

export function liveSessionsOf(db: IdentityDb, accountId: string, now: number): SessionRow[] {
  return db
    .select({ createdAt: sessions.createdAt, authTime: sessions.authTime, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.accountId, accountId), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt))
    .all();
}

/** The account's grants, standing ones first, then the latest revoked (at most 50). */
export function grantsOf(db: IdentityDb, accountId: string): GrantRow[] {
  return db
    .select({ clientId: grants.clientId, scope: grants.scope, createdAt: grants.createdAt, revokedAt: grants.revokedAt })
    .from(grants)
    .where(eq(grants.accountId, accountId))
    .orderBy(sql`${grants.revokedAt} is not null`, desc(grants.createdAt))
    .limit(50)
    .all();
}

export interface StaffAction {
  staffId: string;
  reason: string;
}

export type EmailChangeResult = { ok: true } | { ok: false; reason: "in-use" | "same" };

/** Staff change a teacher's email (confirmed by other means: no code); the old address is told. */
export function staffChangeEmail(
  db: IdentityDb,
  account: Account,
  newEmail: string,
  by: StaffAction,
  supportEmail: string,
  now = Date.now(),
): EmailChangeResult {
  const email = normaliseEmail(newEmail);
  if (email === account.email) return { ok: false, reason: "same" };
  try {
    db.transaction((tx) => {
      tx.update(accounts).set({ email, emailVerified: true, updatedAt: now }).where(eq(accounts.id, account.id)).run();
      enqueueEmail(tx, staffChangedEmailNotice(account.email, email, now, { preferredName: account.preferredName, supportEmail }), now);
      recordEvent(
        tx,
        { type: "UserUpdated", actor: actor.staff(by.staffId), subject: account.id, payload: { changes: { email: maskedChange("email", account.email, email) }, by: "support", reason: by.reason } },
        now,
      );
    });
    return { ok: true };
  } catch (error) {
    if (isUniqueViolation(error, "accounts.email")) return { ok: false, reason: "in-use" };
    throw error;
  }
}

/** Staff change a teacher's mobile (E.164, taken as verified: staff confirmed it), or remove it (null). */
export function staffChangePhone(db: IdentityDb, account: Account, phone: string | null, by: StaffAction, now = Date.now()): void {
  db.transaction((tx) => {
    tx.update(accounts).set({ phoneNumber: phone, phoneNumberVerified: phone !== null, updatedAt: now }).where(eq(accounts.id, account.id)).run();
    recordEvent(
      tx,
      { type: "UserUpdated", actor: actor.staff(by.staffId), subject: account.id, payload: { changes: { phone_number: maskedChange("phone", account.phoneNumber, phone) }, by: "support", reason: by.reason } },
      now,
    );
  });
}

/**
 * Blocks the account: it cannot sign in (journey/finish-journey.ts), and at once every identity
 * session ends and every grant is revoked, so its refresh tokens stop and /introspect (which records
 * asks about every user token) says its access tokens are inactive. False if already blocked.
 */
export function blockAccount(db: IdentityDb, accountId: string, by: StaffAction, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const inserted = changedRows(tx.insert(accountBlocks).values({ accountId, blockedAt: now, blockedBy: actor.staff(by.staffId) }).onConflictDoNothing().run());
    if (inserted === 0) return false;
    const grantsRevoked = revokeAccountGrants(tx, accountId, {}, now);
    const sessionsEnded = changedRows(tx.delete(sessions).where(eq(sessions.accountId, accountId)).run());
    recordEvent(tx, { type: "UserBlocked", actor: actor.staff(by.staffId), subject: accountId, payload: { reason: by.reason, sessionsEnded, grantsRevoked } }, now);
    return true;
  });
}

/** Unblocks the account (it may sign in again; nothing revoked comes back). False if it was not blocked. */
export function unblockAccount(db: IdentityDb, accountId: string, by: StaffAction, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const removed = changedRows(tx.delete(accountBlocks).where(eq(accountBlocks.accountId, accountId)).run());
    if (removed === 0) return false;
    recordEvent(tx, { type: "UserUnblocked", actor: actor.staff(by.staffId), subject: accountId, payload: { reason: by.reason } }, now);
    return true;
  });
}

export const standingGrantCount = (db: IdentityDb, accountId: string) =>
  db.select({ n: count() }).from(grants).where(and(eq(grants.accountId, accountId), isNull(grants.revokedAt))).get()?.n ?? 0;

/**
 * The teacher page's timeline, newest first: the account's events and those of every account merged
 * into it (so the merge itself, UserMerged, whose subject is the merged account, shows here too).
 */
export function timelineOf(db: IdentityDb, accountId: string, limit = 200): StoredEvent[] {
  const merged = db.select({ sub: mergedAccounts.sub }).from(mergedAccounts).where(eq(mergedAccounts.mergedIntoSub, accountId)).all();
  return [accountId, ...merged.map((m) => m.sub)]
    .flatMap((subject) => eventsAbout(db, subject, "newest-first").slice(0, limit))
    .sort((a, b) => b.id - a.id)
    .slice(0, limit);
}
