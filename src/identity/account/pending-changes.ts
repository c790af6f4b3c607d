// A change on /account that waits for its security code: a new email address or mobile number, or
// a deletion. Kept server-side, one per identity session (the browser holds nothing more than its
// session cookie); it goes when the change is made, the session ends, or it expires.
import { and, eq, gt, lt } from "drizzle-orm";
import { changedRows } from "../../db/changed-rows";
import type { IdentityDb } from "../db/database";
import { accountChanges } from "../db/schema";
import type { IdentitySession } from "../sessions/session";

export type PendingChange = typeof accountChanges.$inferSelect;
export type PendingKind = PendingChange["kind"];

/** As long as a sign-in journey: time to fetch a phone and read a message, no longer. */
export const pendingChangeLifetimeMs = 60 * 60_000;

/** The session's pending change of `kind`, if it is still live. */
export function readPendingChange(db: IdentityDb, session: IdentitySession, kind: PendingKind, now = Date.now()): PendingChange | undefined {
  return db
    .select()
    .from(accountChanges)
    .where(
      and(
        eq(accountChanges.sessionIdHash, session.idHash),
        eq(accountChanges.accountId, session.accountId),
        eq(accountChanges.kind, kind),
        gt(accountChanges.expiresAt, now),
      ),
    )
    .get();
}

/** Starts (or replaces) the session's pending change. */
export function savePendingChange(
  db: IdentityDb,
  session: IdentitySession,
  change: Pick<PendingChange, "kind" | "value" | "stage"> & { codeId?: string | null },
  now = Date.now(),
): void {
  const row = { ...change, codeId: change.codeId ?? null, accountId: session.accountId, createdAt: now, expiresAt: now + pendingChangeLifetimeMs };
  db.insert(accountChanges)
    .values({ sessionIdHash: session.idHash, ...row })
    .onConflictDoUpdate({ target: accountChanges.sessionIdHash, set: row })
    .run();
}

export function clearPendingChange(db: IdentityDb, session: IdentitySession): void {
  db.delete(accountChanges).where(eq(accountChanges.sessionIdHash, session.idHash)).run();
}

/** Deletes expired pending changes (they hold a new address or number); returns how many. */
export function removeExpiredPendingChanges(db: IdentityDb, now = Date.now()): number {
  return changedRows(db.delete(accountChanges).where(lt(accountChanges.expiresAt, now)).run());
}
