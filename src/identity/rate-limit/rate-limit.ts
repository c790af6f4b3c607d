// Fixed-window rate limits kept in identity's database (rate_limits), so they hold across restarts
// and across processes sharing the file. A hit counts even when refused: hammering does not help.
// Each refused request counts once in teacher_id_rate_limit_refusals_total, by its keys' first part.
import { sql } from "drizzle-orm";
import { rateLimitRefusals } from "../../metrics/metrics";
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

function countOneHit(db: IdentityDb, key: string, rule: RateLimit, now: number): RateLimitResult {
  const windowStart = now - (now % rule.windowMs);
  const row = countHit(db).get({ key, windowStart })!;
  return { allowed: row.count <= rule.limit, resetAt: windowStart + rule.windowMs };
}

/** What a key limits, for the refusals metric: `send:ip:...` -> send. Never the address or IP. */
function countRefusal(key: string): void {
  const kind = key.slice(0, key.indexOf(":"));
  (kind === "send" || kind === "check" || kind === "renewed" ? rateLimitRefusals[kind] : rateLimitRefusals.other).inc();
}

/** Counts one hit on `key` and says whether it is within the limit. */
export function hitRateLimit(db: IdentityDb, key: string, rule: RateLimit, now = Date.now()): RateLimitResult {
  const result = countOneHit(db, key, rule, now);
  if (!result.allowed) countRefusal(key);
  return result;
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
    const result = countOneHit(db, key, rule, now);
    if (!result.allowed) {
      if (allowed) countRefusal(key);
      allowed = false;
      resetAt = Math.max(resetAt, result.resetAt);
    }
  }
  return { allowed, resetAt };
}
