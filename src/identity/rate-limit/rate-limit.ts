// Fixed-window rate limits kept in identity's database (rate_limits), so they hold across restarts
// and across processes sharing the file. A hit counts even when refused: hammering does not help.
import { sql } from "drizzle-orm";
import type { IdentityDb } from "../accounts/database-types";
import { perConnection } from "../../db/per-connection";
import { rateLimits } from "../db/schema";

export interface RateLimit {
  /** How many hits a key may have in one window. */
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** When the current window ends (unix ms): when to try again if refused. */
  resetAt: number;
}

// Every code sent or checked counts hits: prepared once (see db/per-connection).
const countHit = perConnection((db: IdentityDb) =>
  db
    .insert(rateLimits)
    .values({ key: sql.placeholder("key"), windowStart: sql.placeholder("windowStart"), count: 1 })
    .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + 1` } })
    .returning({ count: rateLimits.count })
    .prepare(),
);

/** Counts one hit on `key` and says whether it is within the limit. */
export function hitRateLimit(db: IdentityDb, key: string, rule: RateLimit, now = Date.now()): RateLimitResult {
  const windowStart = now - (now % rule.windowMs);
  const row = countHit(db).get({ key, windowStart })!;
  return { allowed: row.count <= rule.limit, resetAt: windowStart + rule.windowMs };
}

/** Hits every key (so each is counted) and allows only when all are within their limits. */
export function hitRateLimits(
  db: IdentityDb,
  hits: { key: string; rule: RateLimit }[],
  now = Date.now(),
): RateLimitResult {
  let allowed = true;
  let resetAt = now;
  for (const { key, rule } of hits) {
    const result = hitRateLimit(db, key, rule, now);
    if (!result.allowed) {
      allowed = false;
      resetAt = Math.max(resetAt, result.resetAt);
    }
  }
  return { allowed, resetAt };
}
