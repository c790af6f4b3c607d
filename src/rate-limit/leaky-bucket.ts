// Rate limits as leaky buckets. A bucket holds at most `limit` hits and lets one go every
// windowMs / limit: a burst of `limit` passes at once, and after that one more each interval.
// So a limit slows a caller down (the next try is at most one interval away) and never locks
// them out until some window ends. A refused hit is not added: hammering a full bucket neither
// helps nor keeps it full. identity keeps its buckets in its database, access in memory.

export interface RateLimit {
  /** How many hits the bucket holds: the burst allowed at once. */
  limit: number;
  /** How long a full bucket takes to empty: `limit` hits per window, sustained. */
  windowMs: number;
}

/** The hits a bucket held at `since` (unix ms); one leaks out every interval after that. */
export interface Bucket {
  count: number;
  since: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** When a refused hit would be allowed (unix ms); `now` when allowed. */
  retryAt: number;
}

/** The time between two hits once the burst is spent. */
export function leakInterval(rule: RateLimit): number {
  return Math.max(1, Math.ceil(rule.windowMs / rule.limit));
}

/** The bucket at `now`, with the hits that have leaked out since it was written removed. */
export function drain(bucket: Bucket | undefined, rule: RateLimit, now: number): Bucket {
  if (!bucket || bucket.count <= 0) return { count: 0, since: now };
  const interval = leakInterval(rule);
  const leaked = Math.floor(Math.max(0, now - bucket.since) / interval);
  if (leaked >= bucket.count) return { count: 0, since: now };
  // `since` moves by whole intervals only, so the part of an interval already waited is kept.
  return { count: bucket.count - leaked, since: bucket.since + leaked * interval };
}

/** Whether one more hit fits in the bucket at `now`, and the bucket with it added if it does. */
export function addHit(bucket: Bucket | undefined, rule: RateLimit, now: number): RateLimitResult & { bucket: Bucket } {
  const current = drain(bucket, rule, now);
  if (current.count < rule.limit) return { allowed: true, retryAt: now, bucket: { count: current.count + 1, since: current.since } };
  return { allowed: false, retryAt: current.since + leakInterval(rule), bucket: current };
}

/**
 * Buckets kept in this process's memory, for a service with no table of its own for them. Buckets
 * that have emptied are dropped as it grows, so it holds about one entry per recent caller.
 */
export class MemoryRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(readonly rule: RateLimit, private readonly sweepAbove = 10_000) {}

  hit(key: string, now = Date.now()): RateLimitResult {
    const result = addHit(this.buckets.get(key), this.rule, now);
    if (result.allowed) this.buckets.set(key, result.bucket);
    if (this.buckets.size > this.sweepAbove) this.sweep(now);
    return { allowed: result.allowed, retryAt: result.retryAt };
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (drain(bucket, this.rule, now).count === 0) this.buckets.delete(key);
  }
}
