// The outbox worker: sends what enqueue() stored, at least once, in the background of `serve`.
//
// A message is claimed (claimed_until set in a synchronous transaction) before its handler runs,
// so two loops never work on it at once. If the process dies between claim and send, the claim
// expires (OUTBOX_CLAIM_TIMEOUT) and the message is tried again. A failure is retried with
// exponential backoff and jitter until the message is older than OUTBOX_MAX_AGE; then it is marked
// failed and logged as an error (`teacher-id <service> outbox retry ID` puts it back).
import { and, asc, eq, isNull, lte, lt, or, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { Logger } from "../log/logger";
import type { BackgroundWorker } from "../server/service";
import { outbox } from "./schema";

type AnySqliteDb = BaseSQLiteDatabase<"sync", unknown, any, any>;

export interface OutboxHandlerContext {
  id: number;
  kind: string;
  /** Attempts made before this one. */
  attempts: number;
  /** Stores a new payload now, before anything else happens (e.g. a link a retry must reuse). */
  updatePayload(payload: unknown): void;
}

/**
 * Does the work for one message; throwing means "try again later". A handler may return a payload
 * to store with the sent message (e.g. with a secret link removed), and work to do once the message
 * is recorded as sent (`afterRecorded`, e.g. make the next message in a sequence due).
 */
export type OutboxHandler = (payload: any, context: OutboxHandlerContext) => Promise<void | { storePayload?: unknown; afterRecorded?: () => void }>;

/** Throw this for a message that can never be sent (e.g. an invalid address): no more retries. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentFailure";
  }
}

export interface OutboxTiming {
  /** Give up (status failed) when a message is older than this after a failed attempt. */
  maxAgeMs: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** How long one attempt holds its claim. */
  claimTimeoutMs: number;
  /** How often to look for due messages when nobody nudges. */
  pollIntervalMs: number;
  /** Messages claimed and handled concurrently per round. */
  batchSize: number;
}

/** How soon after a payload is redacted the -wal file is checkpointed (and emptied). */
const checkpointDelayMs = 1_000;

export const defaultOutboxTiming: OutboxTiming = {
  maxAgeMs: 3 * 86_400_000,
  retryMinMs: 2_000,
  retryMaxMs: 15 * 60_000,
  claimTimeoutMs: 120_000,
  pollIntervalMs: 500,
  batchSize: 32,
};

/**
 * Throw this for a message that must not be tried yet (e.g. a webhook waiting for an earlier one to
 * the same subscriber): it is due again at `untilMs`, and no attempt is counted (no backoff, no log).
 */
export class Postpone extends Error {
  constructor(
    readonly untilMs: number,
    message: string,
  ) {
    super(message);
    this.name = "Postpone";
  }
}

/** The timing settings from configuration (src/mail/settings.ts). */
export function outboxTimingFromConfig(config: {
  OUTBOX_MAX_AGE: number;
  OUTBOX_RETRY_MIN: number;
  OUTBOX_RETRY_MAX: number;
  OUTBOX_CLAIM_TIMEOUT: number;
}): Partial<OutboxTiming> {
  return {
    maxAgeMs: config.OUTBOX_MAX_AGE,
    retryMinMs: config.OUTBOX_RETRY_MIN,
    retryMaxMs: Math.max(config.OUTBOX_RETRY_MAX, config.OUTBOX_RETRY_MIN),
    claimTimeoutMs: config.OUTBOX_CLAIM_TIMEOUT,
  };
}

export interface OutboxWorkerOptions {
  name: string;
  db: AnySqliteDb;
  logger: Logger;
  handlers: Record<string, OutboxHandler>;
  timing?: Partial<OutboxTiming>;
  /** For tests: the clock. */
  now?: () => number;
}

export interface OutboxWorker extends BackgroundWorker {
  /** Look for due messages now (call after committing an enqueue). */
  nudge(): void;
  /** One round: claim due messages and handle them. Returns how many were handled. */
  runOnce(): Promise<number>;
}

interface ClaimedMessage {
  id: number;
  kind: string;
  payload: string;
  attempts: number;
  createdAt: number;
}

/** Delay before retry number `attempts` (1 = after the first failure): exponential, full jitter on half. */
export function retryDelay(attempts: number, timing: Pick<OutboxTiming, "retryMinMs" | "retryMaxMs">, random = Math.random): number {
  const exponential = Math.min(timing.retryMaxMs, timing.retryMinMs * 2 ** Math.min(attempts - 1, 30));
  // Half fixed, half random: spreads retries after an outage without ever retrying at once.
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * Claims up to `limit` due messages atomically (one IMMEDIATE transaction); an expired claim
 * counts as due. Messages in `skip` (in flight in this process) are never claimed twice.
 */
export function createClaimer(db: AnySqliteDb): (limit: number, now: number, claimTimeoutMs: number, skip?: Set<number>) => ClaimedMessage[] {
  const due = db
    .select({ id: outbox.id, kind: outbox.kind, payload: outbox.payload, attempts: outbox.attempts, createdAt: outbox.createdAt })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, "pending"),
        lte(outbox.nextAttemptAt, sql.placeholder("now")),
        or(isNull(outbox.claimedUntil), lt(outbox.claimedUntil, sql.placeholder("now"))),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(sql.placeholder("limit"))
    .prepare();
  const claim = db
    .update(outbox)
    .set({ claimedUntil: sql`${sql.placeholder("until")}` })
    .where(eq(outbox.id, sql.placeholder("id")))
    .prepare();
  return (limit, now, claimTimeoutMs, skip = new Set()) =>
    db.transaction(
      () => {
        const rows = due
          .all({ now, limit: limit + skip.size })
          .filter((row) => !skip.has(row.id))
          .slice(0, limit);
        for (const row of rows) claim.run({ until: now + claimTimeoutMs, id: row.id });
        return rows;
      },
      { behavior: "immediate" },
    );
}

export function claimDueMessages(db: AnySqliteDb, limit: number, now: number, claimTimeoutMs: number, skip: Set<number> = new Set()): ClaimedMessage[] {
  return createClaimer(db)(limit, now, claimTimeoutMs, skip);
}

/** Error text safe for logs: no email addresses, bounded length. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name === "Error" ? "" : error.name + ": "}${error.message}` : String(error);
  return message
    .replace(/([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)/g, "$1***@$2")
    .slice(0, 500);
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { name, db, handlers } = options;
  const logger = options.logger.child({ worker: name });
  const timing: OutboxTiming = { ...defaultOutboxTiming, ...options.timing };
  const now = options.now ?? Date.now;
  const inFlight = new Set<number>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let nudged = false;

  // Prepared once: at hundreds of messages a second, building SQL per update costs more than the write.
  const storePayload = db
    .update(outbox)
    .set({ payload: sql`${sql.placeholder("payload")}` })
    .where(eq(outbox.id, sql.placeholder("id")))
    .prepare();
  const markSent = db
    .update(outbox)
    .set({
      status: "sent",
      sentAt: sql`${sql.placeholder("sentAt")}`,
      claimedUntil: null,
      lastError: null,
      attempts: sql`${sql.placeholder("attempts")}`,
      payload: sql`coalesce(${sql.placeholder("payload")}, ${outbox.payload})`,
    })
    .where(eq(outbox.id, sql.placeholder("id")))
    .prepare();

  const postpone = db
    .update(outbox)
    .set({ nextAttemptAt: sql`${sql.placeholder("until")}`, claimedUntil: null })
    .where(eq(outbox.id, sql.placeholder("id")))
    .prepare();

  async function handle(message: ClaimedMessage): Promise<void> {
    const handler = handlers[message.kind];
    const started = now();
    try {
      if (!handler) throw new Error(`no handler for kind ${message.kind}`);
      let payload: unknown;
      try {
        payload = JSON.parse(message.payload);
      } catch {
        throw new PermanentFailure("the stored payload is not JSON");
      }
      const result = await handler(payload, {
        id: message.id,
        kind: message.kind,
        attempts: message.attempts,
        updatePayload(payload) {
          storePayload.run({ payload: JSON.stringify(payload), id: message.id });
        },
      });
      const sentAt = now();
      markSent.run({
        sentAt,
        attempts: message.attempts + 1,
        payload: result && result.storePayload !== undefined ? JSON.stringify(result.storePayload) : null,
        id: message.id,
      });
      if (result && result.storePayload !== undefined) checkpointSoon();
      result?.afterRecorded?.();
      logger.info("outbox_message_sent", { id: message.id, kind: message.kind, attempts: message.attempts + 1, ms: sentAt - started });
    } catch (error) {
      if (error instanceof Postpone) {
        postpone.run({ until: error.untilMs, id: message.id });
        return;
      }
      const attempts = message.attempts + 1;
      const failedAt = now();
      const reason = describeError(error);
      const giveUp = error instanceof PermanentFailure || failedAt - message.createdAt >= timing.maxAgeMs;
      if (giveUp) {
        db.update(outbox)
          .set({ status: "failed", attempts, claimedUntil: null, lastError: reason })
          .where(eq(outbox.id, message.id))
          .run();
        logger.error("outbox_message_failed", {
          id: message.id,
          kind: message.kind,
          attempts,
          error: reason,
          because: error instanceof PermanentFailure ? "permanent" : "max_age",
        });
      } else {
        const delay = retryDelay(attempts, timing);
        db.update(outbox)
          .set({ attempts, nextAttemptAt: failedAt + delay, claimedUntil: null, lastError: reason })
          .where(eq(outbox.id, message.id))
          .run();
        logger.warn("outbox_attempt_failed", { id: message.id, kind: message.kind, attempts, retryInMs: delay, error: reason });
      }
    }
  }

  // A redacted payload's secret (a link, a code) is gone from the database file (secure_delete),
  // but the -wal file keeps the page as it was until a checkpoint copies it back and truncates the
  // log. Redactions are checkpointed together, at most once per checkpointDelayMs.
  let checkpointTimer: ReturnType<typeof setTimeout> | undefined;
  function checkpointSoon() {
    // unref: a pending checkpoint never keeps a process alive (the last close checkpoints anyway).
    checkpointTimer ??= setTimeout(checkpointNow, checkpointDelayMs).unref();
  }
  function checkpointNow() {
    checkpointTimer = undefined;
    try {
      // TRUNCATE waits for readers; a reader in another process (a backup) may take seconds, and
      // this thread serves requests: try without waiting, and again later if it was busy.
      const timeout = Number(db.all<{ timeout: number }>(sql.raw("PRAGMA busy_timeout"))[0]?.timeout);
      if (!Number.isInteger(timeout)) throw new Error("PRAGMA busy_timeout gave no value");
      db.run(sql.raw("PRAGMA busy_timeout = 0"));
      try {
        const [result] = db.all<{ busy: number }>(sql.raw("PRAGMA wal_checkpoint(TRUNCATE)"));
        if (result?.busy) checkpointSoon();
      } finally {
        db.run(sql.raw(`PRAGMA busy_timeout = ${timeout}`));
      }
    } catch (error) {
      // e.g. the disk is full; the next redaction tries again.
      logger.warn("outbox_checkpoint_failed", { error: describeError(error) });
    }
  }

  const claimDue = createClaimer(db);
  const active = new Set<Promise<void>>();

  function begin(message: ClaimedMessage): Promise<void> {
    inFlight.add(message.id);
    const done = handle(message)
      // handle() records every outcome itself; only a database failure while recording lands here.
      .catch((error) => logger.error("outbox_record_failed", { id: message.id, kind: message.kind, error: describeError(error) }))
      .finally(() => {
        inFlight.delete(message.id);
        active.delete(done);
        // Refill once half the slots are free: claims stay batched, the pipeline stays full.
        if (running && inFlight.size <= timing.batchSize / 2) wakeNow();
      });
    active.add(done);
    return done;
  }

  async function runOnce(): Promise<number> {
    const claimed = claimDue(timing.batchSize, now(), timing.claimTimeoutMs, inFlight);
    await Promise.all(claimed.map(begin));
    return claimed.length;
  }

  function wakeNow() {
    if (wake) wake();
    else nudged = true;
  }

  function sleep(ms: number): Promise<void> {
    if (nudged) {
      nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  }

  async function run(): Promise<void> {
    while (running) {
      const free = timing.batchSize - inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const messages = claimDue(free, now(), timing.claimTimeoutMs, inFlight);
          claimed = messages.length;
          for (const message of messages) void begin(message);
        } catch (error) {
          // e.g. the database is busy or full; try again after the poll interval.
          logger.error("outbox_round_failed", { error: describeError(error) });
        }
      }
      // All free slots filled: more may be due, so look again (after a turn of the event loop
      // so requests are served between rounds); otherwise wait for a nudge, a free slot or the poll.
      if (running && free > 0 && claimed === free) await new Promise((r) => setImmediate(r));
      else if (running) await sleep(timing.pollIntervalMs);
    }
    // stop(): let the messages in flight finish (and record their outcome).
    await Promise.all([...active]);
  }

  return {
    name,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      loop = undefined;
      // The database closes next: checkpoint a pending redaction now (and leave no timer behind).
      if (checkpointTimer) {
        clearTimeout(checkpointTimer);
        checkpointNow();
        if (checkpointTimer) clearTimeout(checkpointTimer);
        checkpointTimer = undefined;
      }
    },
    nudge: wakeNow,
    runOnce,
  };
}
