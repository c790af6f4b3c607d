// A grant ties together what one authorization issued. Revoking it stops its refresh tokens and
// makes /userinfo and /introspect (so records) refuse its access tokens. The ways in: a reused
// code, a reused refresh token, POST /revoke, and signing out of the session it was made in.
import { and, eq, isNull } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { grants } from "../db/schema";
import { changedRows } from "../../db/changed-rows";

export function revokeGrant(db: BaseSQLiteDatabase<"sync", unknown, any, any>, grantId: string, now = Date.now()): void {
  db.update(grants).set({ revokedAt: now }).where(and(eq(grants.id, grantId), isNull(grants.revokedAt))).run();
}

/** Signing out: revokes every grant made while this session was signed in. Returns how many. */
export function revokeSessionGrants(db: BaseSQLiteDatabase<"sync", unknown, any, any>, sessionIdHash: string, now = Date.now()): number {
  return changedRows(
    db.update(grants).set({ revokedAt: now }).where(and(eq(grants.sessionIdHash, sessionIdHash), isNull(grants.revokedAt))).run(),
  );
}

/** A user's token still stands: its grant exists, is not revoked, and is the same user's. */
export function grantStands(db: BaseSQLiteDatabase<"sync", unknown, any, any>, grantId: string | undefined, sub: string): boolean {
  if (!grantId) return false;
  const grant = db.select({ accountId: grants.accountId, revokedAt: grants.revokedAt }).from(grants).where(eq(grants.id, grantId)).get();
  return !!grant && grant.revokedAt === null && grant.accountId === sub;
}
