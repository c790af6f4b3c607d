// A grant ties together what one authorization issued. Revoking it stops its refresh tokens and
// makes /userinfo and /introspect (so records) refuse its access tokens. The ways in: a reused
// code, a reused refresh token, POST /revoke, signing out of the session it was made in, and the
// teacher's own /account ("Remove access", "Sign out everywhere", deleting the account).
import type { IdentityDb } from "../db/database";
import { recordEvent, subject } from "../events/events";
import { and, desc, eq, isNull, max, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { clients, grants } from "../db/schema";
import { changedRows } from "../../db/changed-rows";

export function revokeGrant(
  db: BaseSQLiteDatabase<"sync", unknown, any, any>,
  grantId: string,
  why: { by: string; reason: "revoked" | "code-reused" | "refresh-token-reused" },
  now = Date.now(),
): void {
  const revoked = db
    .update(grants)
    .set({ revokedAt: now })
    .where(and(eq(grants.id, grantId), isNull(grants.revokedAt)))
    .returning({ accountId: grants.accountId, clientId: grants.clientId })
    .get();
  // Already revoked: nothing changed, nothing to record.
  if (!revoked) return;
  recordEvent(
    db as IdentityDb,
    {
      type: "GrantRevoked",
      actor: why.by,
      subject: revoked.accountId ?? subject.client(revoked.clientId),
      payload: { clientId: revoked.clientId, grantsRevoked: 1, reason: why.reason },
    },
    now,
  );
}

/** Signing out: revokes every grant made while this session was signed in. Returns how many. */
export function revokeSessionGrants(db: BaseSQLiteDatabase<"sync", unknown, any, any>, sessionIdHash: string, now = Date.now()): number {
  return changedRows(
    db.update(grants).set({ revokedAt: now }).where(and(eq(grants.sessionIdHash, sessionIdHash), isNull(grants.revokedAt))).run(),
  );
}

// Read for every user token introspected or used at userinfo: prepared once per connection.
const grantById = perConnection((db: BaseSQLiteDatabase<"sync", unknown, any, any>) =>
  db.select({ accountId: grants.accountId, revokedAt: grants.revokedAt }).from(grants).where(eq(grants.id, sql.placeholder("id"))).prepare(),
);

/** A user's token still stands: its grant exists, is not revoked, and is the same user's. */
export function grantStands(db: BaseSQLiteDatabase<"sync", unknown, any, any>, grantId: string | undefined, sub: string): boolean {
  if (!grantId) return false;
  const grant = grantById(db).get({ id: grantId });
  return !!grant && grant.revokedAt === null && grant.accountId === sub;
}

/** Revokes every standing grant of an account, or only those of one client. Returns how many. */
export function revokeAccountGrants(
  db: BaseSQLiteDatabase<"sync", unknown, any, any>,
  accountId: string,
  options: { clientId?: string } = {},
  now = Date.now(),
): number {
  const conditions = [eq(grants.accountId, accountId), isNull(grants.revokedAt)];
  if (options.clientId !== undefined) conditions.push(eq(grants.clientId, options.clientId));
  return changedRows(db.update(grants).set({ revokedAt: now }).where(and(...conditions)).run());
}

/** The clients an account has signed in to that still hold a standing grant, latest sign-in first. */
export function clientsWithAccess(
  db: BaseSQLiteDatabase<"sync", unknown, any, any>,
  accountId: string,
): { clientId: string; name: string; lastSignedInAt: number }[] {
  const lastSignedInAt = max(grants.createdAt);
  return db
    .select({ clientId: grants.clientId, name: clients.name, lastSignedInAt })
    .from(grants)
    .innerJoin(clients, eq(clients.clientId, grants.clientId))
    .where(and(eq(grants.accountId, accountId), isNull(grants.revokedAt)))
    .groupBy(grants.clientId, clients.name)
    .orderBy(desc(lastSignedInAt))
    .all()
    .map((row) => ({ ...row, lastSignedInAt: Number(row.lastSignedInAt) }));
}
