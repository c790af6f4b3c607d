// The server-side half of a sign-in in progress: state, PKCE verifier, nonce and where to return.
// The browser holds only the access_login cookie; identity carries only `state`. The callback
// consumes the attempt once, atomically, so a replayed callback finds nothing to use.
// Opening /sign-in or a magic link stores an attempt before anyone has signed in, so attempts
// are limited per client IP (issue 11, item 9) and go when they expire (ACCESS_SIGN_IN_TIMEOUT).
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { perConnection } from "../../db/per-connection";
import { generateCodeVerifier } from "arctic";
import { randomToken, sha256 } from "../../security/tokens";
import { readCookie, serializeCookie } from "../../web/cookies";
import type { AccessDatabase } from "../db/database";
import { changedRows, consumeOnce } from "../../db/changed-rows";
import type * as schema from "../db/schema";
import { loginAttempts } from "../db/schema";
import { seal, unseal } from "../sessions/seal";
import { MemoryRateLimiter, type RateLimit, type RateLimitResult } from "../../rate-limit/leaky-bucket";

export const loginCookieName = "access_login";
const verifierPurpose = "pkce-verifier";

/** The browser's sign-in binding: reused while present so sign-ins in two tabs both work. */
export function browserBinding(cookieHeader: string | null, secure: boolean, maxAgeMs: number): { id: string; setCookie?: string } {
  const existing = readCookie(cookieHeader, loginCookieName);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return { id: existing };
  const id = randomToken();
  return { id, setCookie: serializeCookie(loginCookieName, id, { secure, maxAgeSeconds: Math.ceil(maxAgeMs / 1000) }) };
}

// One limiter per access service (its database): kept in memory, as access has no table for it.
// A restart empties it, which costs nothing the expiry of the rows does not already bound.
const attemptsPerIp = new WeakMap<AccessDatabase, MemoryRateLimiter>();

/**
 * Whether `ip` may start another sign-in: ACCESS_SIGN_IN_LIMIT_PER_IP at once, then one more each
 * ACCESS_SIGN_IN_TIMEOUT / limit (a leaky bucket; src/rate-limit/leaky-bucket.ts).
 */
export function admitLoginAttempt(db: AccessDatabase, input: { ip: string; rule: RateLimit; now?: number }): RateLimitResult {
  let limiter = attemptsPerIp.get(db);
  if (!limiter) attemptsPerIp.set(db, (limiter = new MemoryRateLimiter(input.rule)));
  return limiter.hit(input.ip, input.now);
}

// Once each per sign-in: prepared once (see db/per-connection). A transaction shares its connection.
type AccessDb = BaseSQLiteDatabase<"sync", any, typeof schema>;
const insertAttempt = perConnection((db: AccessDb) =>
  db
    .insert(loginAttempts)
    .values({
      stateHash: sql.placeholder("stateHash"),
      browserHash: sql.placeholder("browserHash"),
      codeVerifierSealed: sql.placeholder("codeVerifierSealed"),
      nonceHash: sql.placeholder("nonceHash"),
      returnTo: sql.placeholder("returnTo"),
      viaTrnToken: sql.placeholder("viaTrnToken"),
      createAccount: sql.placeholder("createAccount"),
      createdAt: sql.placeholder("createdAt"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare(),
);
const attemptByState = perConnection((db: AccessDb) =>
  db.select().from(loginAttempts).where(eq(loginAttempts.stateHash, sql.placeholder("stateHash"))).prepare(),
);
const consumeAttempt = perConnection((db: AccessDb) =>
  db
    .update(loginAttempts)
    .set({ consumedAt: sql`${sql.placeholder("now")}`, codeVerifierSealed: null })
    .where(and(eq(loginAttempts.stateHash, sql.placeholder("stateHash")), isNull(loginAttempts.consumedAt)))
    .prepare(),
);

export function startLoginAttempt(
  db: AccessDatabase,
  input: { browserId: string; returnTo: string; viaTrnToken: boolean; createAccount?: boolean; timeoutMs: number; now?: number },
): { state: string; codeVerifier: string; nonce: string } {
  const now = input.now ?? Date.now();
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = generateCodeVerifier();
  insertAttempt(db).run({
    stateHash: sha256(state),
    browserHash: sha256(input.browserId),
    codeVerifierSealed: seal(state, verifierPurpose, codeVerifier),
    nonceHash: sha256(nonce),
    returnTo: input.returnTo,
    viaTrnToken: input.viaTrnToken,
    createAccount: input.createAccount ?? false,
    createdAt: now,
    expiresAt: now + input.timeoutMs,
  });
  return { state, codeVerifier, nonce };
}

export type ConsumedLoginAttempt =
  | { ok: true; codeVerifier: string; nonceHash: string; returnTo: string; viaTrnToken: boolean; createAccount: boolean }
  | { ok: false; reason: "unknown_state" | "other_browser" | "already_used" | "expired" };

/** Uses up the attempt `state` names, if this browser started it and it is still open. */
export function consumeLoginAttempt(
  db: AccessDatabase,
  input: { state: string; browserId: string | undefined; now?: number },
): ConsumedLoginAttempt {
  const now = input.now ?? Date.now();
  const stateHash = sha256(input.state);
  return db.transaction((tx) => {
    const row = attemptByState(tx).get({ stateHash });
    if (!row) return { ok: false, reason: "unknown_state" } as const;
    if (!input.browserId || sha256(input.browserId) !== row.browserHash) return { ok: false, reason: "other_browser" } as const;
    if (row.consumedAt !== null) return { ok: false, reason: "already_used" } as const;
    if (row.expiresAt <= now) return { ok: false, reason: "expired" } as const;
    // Conditional update: of two callbacks racing with the same state, exactly one wins.
    const consumed = consumeOnce({ run: () => consumeAttempt(tx).run({ stateHash, now }) });
    if (!consumed || !row.codeVerifierSealed) return { ok: false, reason: "already_used" } as const;
    const codeVerifier = unseal(input.state, verifierPurpose, row.codeVerifierSealed);
    if (codeVerifier === null) return { ok: false, reason: "unknown_state" } as const;
    return { ok: true, codeVerifier, nonceHash: row.nonceHash, returnTo: row.returnTo, viaTrnToken: row.viaTrnToken, createAccount: row.createAccount } as const;
  });
}

/** Deletes attempts that can no longer be used; consumed ones are kept until then to name replays. */
export function purgeExpiredLoginAttempts(db: AccessDatabase, now = Date.now()): number {
  return changedRows(db.delete(loginAttempts).where(lt(loginAttempts.expiresAt, now)).run());
}
