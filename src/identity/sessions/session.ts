// identity's browser sessions. The cookie holds a random id; the database holds only its hash.
import { and, desc, eq, gt, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import { recordSignIn } from "../accounts/accounts";
import { randomToken, sha256 } from "../../security/tokens";
import { clearCookie, readCookie, serializeCookie } from "../../web/cookies";
import type { IdentityDatabaseFile, IdentityDb } from "../db/database";
import { sessions } from "../db/schema";

export const sessionCookieName = "identity_session";
/** Sessions end after this long, whatever the activity: sign-in is cheap, a stolen cookie is not. */
export const sessionLifetimeMs = 12 * 60 * 60 * 1000;

export interface IdentitySession {
  idHash: string;
  accountId: string;
  /** When the user last proved who they are (for max_age and auth_time). */
  authTime: number;
  /** "sms-recovery" when they signed in with a code texted because they could not use their email; else null. */
  signedInWith?: string | null;
}

// Every sign-in: prepared once per connection (db/per-connection).
const insertSession = perConnection((db: IdentityDb) =>
  db
    .insert(sessions)
    .values({
      idHash: sql.placeholder("idHash"),
      accountId: sql.placeholder("accountId"),
      authTime: sql.placeholder("authTime"),
      signedInWith: sql.placeholder("signedInWith"),
      createdAt: sql.placeholder("createdAt"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare(),
);

/** Creates a session for an account that has just signed in; returns its Set-Cookie header. */
export function createSession(
  db: IdentityDatabaseFile,
  accountId: string,
  options: { secure: boolean; now?: number; signedInWith?: string },
): { session: IdentitySession; setCookie: string } {
  const now = options.now ?? Date.now();
  const id = randomToken();
  const session = { idHash: sha256(id), accountId, authTime: now, signedInWith: options.signedInWith ?? null };
  db.transaction((tx) => {
    insertSession(tx).run({ ...session, createdAt: now, expiresAt: now + sessionLifetimeMs });
    recordSignIn(tx, accountId, now);
  });
  return {
    session,
    setCookie: serializeCookie(sessionCookieName, id, { secure: options.secure, maxAgeSeconds: sessionLifetimeMs / 1000 }),
  };
}

// Read on every journey request: prepared once (see db/per-connection).
const liveSession = perConnection((db: IdentityDatabaseFile) =>
  db
    .select({ idHash: sessions.idHash, accountId: sessions.accountId, authTime: sessions.authTime, signedInWith: sessions.signedInWith })
    .from(sessions)
    .where(and(eq(sessions.idHash, sql.placeholder("idHash")), gt(sessions.expiresAt, sql.placeholder("now"))))
    .prepare(),
);

export function readSession(db: IdentityDatabaseFile, cookieHeader: string | null, now = Date.now()): IdentitySession | null {
  const id = readCookie(cookieHeader, sessionCookieName);
  if (!id) return null;
  return liveSession(db).get({ idHash: sha256(id), now }) ?? null;
}

/** Whether the session stored as `idHash` is still live (not expired, not signed out). */
export function sessionIsLive(db: IdentityDatabaseFile, idHash: string, now = Date.now()): boolean {
  return liveSession(db).get({ idHash, now }) !== undefined;
}

/** The stored id (its hash) of the session the browser's cookie names, live or not; null without one. */
export function sessionIdHashOf(cookieHeader: string | null): string | null {
  const id = readCookie(cookieHeader, sessionCookieName);
  return id ? sha256(id) : null;
}

/** Ends the browser's session (if any); returns the Set-Cookie header that clears it. */
export function destroySession(db: IdentityDatabaseFile, cookieHeader: string | null, secure: boolean): string {
  const id = readCookie(cookieHeader, sessionCookieName);
  if (id) db.delete(sessions).where(eq(sessions.idHash, sha256(id))).run();
  return clearCookie(sessionCookieName, { secure });
}
