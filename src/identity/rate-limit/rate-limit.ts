// Rate limits kept in identity's database (rate_limits), so they hold across restarts and across
// processes sharing the file. Each key is one leaky bucket (src/rate-limit/leaky-bucket.ts), one
// row: `count` is the hits it held at `window_start`, and one leaks out every windowMs / limit.
// Each refused request counts once in teacher_id_rate_limit_refusals_total, by its keys' first part.
import { desc, eq, sql } from "drizzle-orm";
import { rateLimitRefusals } from "../../metrics/metrics";
import type { IdentityDb } from "../db/database";
import { perConnection } from "../../db/per-connection";
import { addHit, type Bucket, type RateLimit, type RateLimitResult } from "../../rate-limit/leaky-bucket";
import { rateLimits } from "../db/schema";

export type { RateLimit, RateLimitResult } from "../../rate-limit/leaky-bucket";

// Every code sent or checked reads and writes buckets: prepared once (see db/per-connection).
const readBucket = perConnection((db: IdentityDb) =>
  db
    .select({ count: rateLimits.count, since: rateLimits.windowStart })
    .from(rateLimits)
    .where(eq(rateLimits.key, sql.placeholder("key")))
    .orderBy(desc(rateLimits.windowStart))
    .limit(1)
    .prepare(),
);
const clearBucket = perConnection((db: IdentityDb) => db.delete(rateLimits).where(eq(rateLimits.key, sql.placeholder("key"))).prepare());
const writeBucket = perConnection((db: IdentityDb) =>
  db
    .insert(rateLimits)
    .values({ key: sql.placeholder("key"), windowStart: sql.placeholder("since"), count: sql.placeholder("count") })
    .prepare(),
);

/** What a key limits, for the refusals metric: `send:ip:...` -> send. Never the address or IP. */
function countRefusal(key: string): void {
  const kind = key.slice(0, key.indexOf(":"));
  (kind === "send" || kind === "check" || kind === "renewed" ? rateLimitRefusals[kind] : rateLimitRefusals.other).inc();
}

/** Adds one hit to `key` if it fits, and says whether it did. */
export function hitRateLimit(db: IdentityDb, key: string, rule: RateLimit, now = Date.now()): RateLimitResult {
  return hitRateLimits(db, [{ key, rule }], now);
}

/**
 * All or nothing: the hit is added to every key only when every key has room. A request one limit
 * refuses uses up none of the others, so an attacker's refused tries take nothing from anyone.
 */
export function hitRateLimits(db: IdentityDb, hits: { key: string; rule: RateLimit }[], now = Date.now()): RateLimitResult {
  return db.transaction((tx) => {
    const results = hits.map(({ key, rule }) => {
      const stored = readBucket(tx).get({ key }) as Bucket | undefined;
      return { key, ...addHit(stored, rule, now) };
    });
    const refused = results.filter((result) => !result.allowed);
    if (refused.length > 0) {
      countRefusal(refused[0].key);
      return { allowed: false, retryAt: Math.max(...refused.map((result) => result.retryAt)) };
    }
    for (const { key, bucket } of results) {
      // One row per key (rows from older versions, one per fixed window, go with it).
      clearBucket(tx).run({ key });
      writeBucket(tx).run({ key, since: bucket.since, count: bucket.count });
    }
    return { allowed: true, retryAt: now };
  });
}

