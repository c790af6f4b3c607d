// Which Teacher ID account holds which TRN, and since when, kept from identity's webhooks
// (identity-event-routes.ts). identity delivers in event order per subscriber, each message
// carrying the account as it is at delivery; a replayed webhook-id is not applied twice.
import { eq, lt, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { perConnection } from "../../db/per-connection";
import { recordsWebhook } from "../../config/internal-clients";
import { changedRows } from "../../db/changed-rows";
import type { Logger } from "../../log/logger";
import type { BackgroundWorker } from "../../server/service";
import type { RecordsDatabase } from "../db/database";
import type * as schema from "../db/schema";
import { identityWebhookDeliveries, teacherIdAccounts } from "../db/schema";

const consumedEventTypes: readonly string[] = recordsWebhook.events;

export interface IdentityEvent {
  /** webhook-id (identity's event id). */
  id: string;
  type: string;
  /** When the event happened (ISO). */
  timestamp: string;
  /** UserMerged: `sub` is the account merged away, `mergedIntoSub` the one that remains (with `trn`, its TRN now). */
  data: { sub?: unknown; trn?: unknown; mergedIntoSub?: unknown; preferredName?: unknown };
}

// Every registration and sign-in delivers an event here: its statements are prepared once per
// connection (see db/per-connection; a transaction shares its connection).
type RecordsDb = BaseSQLiteDatabase<"sync", any, typeof schema>;
const ph = sql.placeholder;
const rememberDelivery = perConnection((db: RecordsDb) =>
  db
    .insert(identityWebhookDeliveries)
    .values({ webhookId: ph("webhookId"), receivedAt: ph("now") })
    .onConflictDoNothing()
    .returning({ webhookId: identityWebhookDeliveries.webhookId })
    .prepare(),
);
const heldBySub = perConnection((db: RecordsDb) =>
  db.select().from(teacherIdAccounts).where(eq(teacherIdAccounts.sub, ph("sub"))).prepare(),
);
const renameHeld = perConnection((db: RecordsDb) =>
  db
    .update(teacherIdAccounts)
    .set({ preferredName: sql`${ph("preferredName")}`, updatedAt: sql`${ph("now")}` })
    .where(eq(teacherIdAccounts.sub, ph("sub")))
    .prepare(),
);
const releaseTrn = perConnection((db: RecordsDb) =>
  db.delete(teacherIdAccounts).where(eq(teacherIdAccounts.trn, ph("trn"))).prepare(),
);
const holdTrn = perConnection((db: RecordsDb) =>
  db
    .insert(teacherIdAccounts)
    .values({ sub: ph("sub"), trn: ph("trn"), since: ph("since"), preferredName: ph("preferredName"), updatedAt: ph("now") })
    .onConflictDoUpdate({
      target: teacherIdAccounts.sub,
      set: { trn: sql`${ph("trn")}`, since: sql`${ph("since")}`, preferredName: sql`${ph("preferredName")}`, updatedAt: sql`${ph("now")}` },
    })
    .prepare(),
);

/**
 * Applies one event, once per webhook-id, in one transaction. Returns false for a replay.
 * Unknown types and messages without a sub (an account deleted before delivery) change nothing.
 */
export function applyIdentityEvent(db: RecordsDatabase, event: IdentityEvent, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const fresh = rememberDelivery(tx).all({ webhookId: event.id, now });
    if (fresh.length === 0) return false;
    const sub = typeof event.data.sub === "string" ? event.data.sub : undefined;
    if (!sub || !consumedEventTypes.includes(event.type)) return true;
    const trn = typeof event.data.trn === "string" && /^\d{7}$/.test(event.data.trn) ? event.data.trn : undefined;
    if (event.type === "UserMerged") {
      const survivor = typeof event.data.mergedIntoSub === "string" && event.data.mergedIntoSub !== sub ? event.data.mergedIntoSub : undefined;
      if (survivor) mergeAccounts(tx, { sub, survivor, trn, at: Date.parse(event.timestamp) || now, now });
      return true;
    }
    if (event.type === "UserDeleted" || !trn) {
      tx.delete(teacherIdAccounts).where(eq(teacherIdAccounts.sub, sub)).run();
      return true;
    }
    const preferredName = typeof event.data.preferredName === "string" && event.data.preferredName.trim() ? event.data.preferredName.trim() : null;
    const held = heldBySub(tx).get({ sub });
    if (held?.trn === trn) {
      if (held.preferredName !== preferredName) renameHeld(tx).run({ preferredName, now, sub });
      return true;
    }
    const since = Date.parse(event.timestamp) || now;
    // One account per TRN (identity enforces it): whoever held it before (a merge) no longer does.
    releaseTrn(tx).run({ trn });
    holdTrn(tx).run({ sub, trn, since, preferredName, now });
    return true;
  });
}

/**
 * Two accounts became one: the merged-away account holds nothing now, and the TRN (the one identity
 * says the survivor has, else the one the merged-away account held) is held by the survivor, since
 * the earlier of the two accounts' times with it (the teacher has had an account with it since then).
 */
function mergeAccounts(tx: Parameters<Parameters<RecordsDatabase["transaction"]>[0]>[0], merge: { sub: string; survivor: string; trn?: string; at: number; now: number }): void {
  const merged = tx.select().from(teacherIdAccounts).where(eq(teacherIdAccounts.sub, merge.sub)).get();
  const kept = tx.select().from(teacherIdAccounts).where(eq(teacherIdAccounts.sub, merge.survivor)).get();
  const trn = merge.trn ?? merged?.trn ?? kept?.trn;
  tx.delete(teacherIdAccounts).where(eq(teacherIdAccounts.sub, merge.sub)).run();
  if (!trn) return;
  const sinces = [merged?.trn === trn ? merged.since : undefined, kept?.trn === trn ? kept.since : undefined].filter((t): t is number => t !== undefined);
  const since = sinces.length ? Math.min(...sinces) : merge.at;
  tx.delete(teacherIdAccounts).where(eq(teacherIdAccounts.trn, trn)).run();
  tx.insert(teacherIdAccounts)
    .values({ sub: merge.survivor, trn, since, updatedAt: merge.now })
    .onConflictDoUpdate({ target: teacherIdAccounts.sub, set: { trn, since, updatedAt: merge.now } })
    .run();
}

/** Reads whether a TRN has a Teacher ID account, and since when (prepared once: API hot path). */
export function createTeacherIdAccountReader(db: RecordsDatabase): (trn: string) => { exists: boolean; since: string | null } {
  const byTrn = db
    .select({ since: teacherIdAccounts.since })
    .from(teacherIdAccounts)
    .where(eq(teacherIdAccounts.trn, sql.placeholder("trn")))
    .limit(1)
    .prepare();
  return (trn) => {
    const row = byTrn.get({ trn });
    return row ? { exists: true, since: new Date(row.since).toISOString() } : { exists: false, since: null };
  };
}

/**
 * How long a webhook-id is remembered. A replay is refused by its id while remembered, and by its
 * timestamp after that: standardwebhooks accepts a timestamp up to 5 minutes either side of now, so
 * a delivery can be replayed for at most 10 minutes after it arrived. An hour leaves a wide margin.
 */
export const webhookIdRetentionMs = 60 * 60_000;

/** Forgets webhook-ids older than the retention; returns how many. */
export function pruneWebhookDeliveries(db: RecordsDatabase, now = Date.now()): number {
  return changedRows(db.delete(identityWebhookDeliveries).where(lt(identityWebhookDeliveries.receivedAt, now - webhookIdRetentionMs)).run());
}

/** Prunes the replay table every few minutes in the background of `serve`. */
export function createWebhookDeliveryPruner(options: { db: RecordsDatabase; logger: Logger; intervalMs?: number }): BackgroundWorker {
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    name: "records-webhook-id-pruning",
    start() {
      timer = setInterval(() => {
        try {
          const removed = pruneWebhookDeliveries(options.db);
          if (removed) options.logger.debug("identity_webhook_ids_pruned", { removed });
        } catch (error) {
          options.logger.error("identity_webhook_pruning_failed", { error: error as Error });
        }
      }, options.intervalMs ?? 5 * 60_000);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * The name the holder of `trn`'s Teacher ID account asked to be called, for an email's greeting;
 * undefined when no account holds it or it gave none (then the record's name greets).
 */
export function preferredNameForTrn(db: Pick<RecordsDatabase, "select">, trn: string): string | undefined {
  const row = db.select({ preferredName: teacherIdAccounts.preferredName }).from(teacherIdAccounts).where(eq(teacherIdAccounts.trn, trn)).limit(1).get();
  return row?.preferredName ?? undefined;
}
