// access's browser sessions. The access_session cookie holds a random id; the database holds its
// hash, and the teacher's tokens sealed with a key derived from the id (see seal.ts).
import { and, eq, lt, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import { constantTimeEqual, randomToken, sha256 } from "../../security/tokens";
import { clearCookie, readCookie, serializeCookie } from "../../web/cookies";
import type { AccessDatabase } from "../db/database";
import { changedRows, consumeOnce } from "../../db/changed-rows";
import { sessions } from "../db/schema";
import { seal, unseal } from "./seal";

export const sessionCookieName = "access_session";
const tokensPurpose = "session-tokens";

export interface AccessSession {
  idHash: string;
  /** identity's subject identifier for the teacher (logged instead of anything personal). */
  sub: string;
  accessToken: string;
  idToken: string;
  accessTokenExpiresAt: number;
  logoutStateHash: string | null;
  createdAt: number;
  expiresAt: number;
}

export type NewSession = Pick<AccessSession, "sub" | "accessToken" | "idToken" | "accessTokenExpiresAt"> & {
  /** This sign-in created the teacher's account: say so once (takeAccountCreatedNotice). */
  accountCreatedNotice?: boolean;
};

// Written once and read on every page of a signed-in teacher: prepared once (see db/per-connection).
const insertSession = perConnection((db: AccessDatabase) =>
  db
    .insert(sessions)
    .values({
      idHash: sql.placeholder("idHash"),
      sub: sql.placeholder("sub"),
      tokensSealed: sql.placeholder("tokensSealed"),
      accessTokenExpiresAt: sql.placeholder("accessTokenExpiresAt"),
      accountCreatedNotice: sql.placeholder("accountCreatedNotice"),
      createdAt: sql.placeholder("createdAt"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare(),
);
const sessionById = perConnection((db: AccessDatabase) =>
  db.select().from(sessions).where(eq(sessions.idHash, sql.placeholder("idHash"))).prepare(),
);

/** Starts a session; returns its Set-Cookie header. */
export function createSession(
  db: AccessDatabase,
  input: NewSession,
  options: { secure: boolean; lifetimeMs: number; now?: number },
): { setCookie: string } {
  const now = options.now ?? Date.now();
  const id = randomToken();
  insertSession(db).run({
    idHash: sha256(id),
    sub: input.sub,
    tokensSealed: seal(id, tokensPurpose, JSON.stringify({ accessToken: input.accessToken, idToken: input.idToken })),
    accessTokenExpiresAt: input.accessTokenExpiresAt,
    accountCreatedNotice: input.accountCreatedNotice ?? false,
    createdAt: now,
    expiresAt: now + options.lifetimeMs,
  });
  return {
    setCookie: serializeCookie(sessionCookieName, id, {
      secure: options.secure,
      maxAgeSeconds: Math.ceil(options.lifetimeMs / 1000),
    }),
  };
}

/** The browser's session, or null when it has none, it has ended, or the row cannot be opened. */
export function readSession(db: AccessDatabase, cookieHeader: string | null, now = Date.now()): AccessSession | null {
  const id = readCookie(cookieHeader, sessionCookieName);
  if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
  const row = sessionById(db).get({ idHash: sha256(id) });
  if (!row || row.expiresAt <= now) return null;
  const opened = unseal(id, tokensPurpose, row.tokensSealed);
  if (opened === null) return null;
  const tokens = JSON.parse(opened) as { accessToken: string; idToken: string };
  return {
    idHash: row.idHash,
    sub: row.sub,
    accessToken: tokens.accessToken,
    idToken: tokens.idToken,
    accessTokenExpiresAt: row.accessTokenExpiresAt,
    logoutStateHash: row.logoutStateHash,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

/** Ends the browser's session (if any); returns the Set-Cookie header that clears the cookie. */
export function destroySession(db: AccessDatabase, cookieHeader: string | null, secure: boolean): string {
  const id = readCookie(cookieHeader, sessionCookieName);
  if (id) db.delete(sessions).where(eq(sessions.idHash, sha256(id))).run();
  return clearCookie(sessionCookieName, { secure });
}

export function purgeExpiredSessions(db: AccessDatabase, now = Date.now()): number {
  return changedRows(db.delete(sessions).where(lt(sessions.expiresAt, now)).run());
}

/** Starts RP-initiated logout: returns the `state` whose return from identity may end this session. */
export function startLogout(db: AccessDatabase, session: AccessSession): string {
  const state = randomToken();
  db.update(sessions).set({ logoutStateHash: sha256(state) }).where(eq(sessions.idHash, session.idHash)).run();
  return state;
}

/** True when `state` is the one this session sent to identity to sign out. */
export function isLogoutReturn(session: AccessSession, state: string | undefined): boolean {
  return !!state && !!session.logoutStateHash && constantTimeEqual(sha256(state), session.logoutStateHash);
}

/**
 * True once, for the first page that asks after a sign-in that created the account ("Your Teacher
 * ID account has been created"); false ever after, and for every other session. A conditional
 * update, so two tabs loading at once show it once between them.
 */
export function takeAccountCreatedNotice(db: AccessDatabase, session: AccessSession): boolean {
  return consumeOnce(
    db
      .update(sessions)
      .set({ accountCreatedNotice: false })
      .where(and(eq(sessions.idHash, session.idHash), eq(sessions.accountCreatedNotice, true))),
  );
}
