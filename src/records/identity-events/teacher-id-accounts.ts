// Which Teacher ID account holds which TRN, and since when, kept from identity's webhooks
// (identity-event-routes.ts). identity delivers in event order per subscriber, each message
// carrying the account as it is at delivery; a replayed webhook-id is not applied twice.
import { eq, sql } from "drizzle-orm";
import { recordsWebhook } from "../../config/internal-clients";
import type { RecordsDatabase } from "../db/database";
import { identityWebhookDeliveries, teacherIdAccounts } from "../db/schema";

const consumedEventTypes: readonly string[] = recordsWebhook.events;

export interface IdentityEvent {
  /** webhook-id (identity's event id). */
  id: string;
  type: string;
  /** When the event happened (ISO). */
  timestamp: string;
  data: { sub?: unknown; trn?: unknown; preferredName?: unknown };
}

/**
 * Applies one event, once per webhook-id, in one transaction. Returns false for a replay.
 * Unknown types and messages without a sub (an account deleted before delivery) change nothing.
 */
export function applyIdentityEvent(db: RecordsDatabase, event: IdentityEvent, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const fresh = tx.insert(identityWebhookDeliveries).values({ webhookId: event.id, receivedAt: now }).onConflictDoNothing().returning().all();
    if (fresh.length === 0) return false;
    const sub = typeof event.data.sub === "string" ? event.data.sub : undefined;
    if (!sub || !consumedEventTypes.includes(event.type)) return true;
    const trn = typeof event.data.trn === "string" && /^\d{7}$/.test(event.data.trn) ? event.data.trn : undefined;
    if (event.type === "UserDeleted" || !trn) {
      tx.delete(teacherIdAccounts).where(eq(teacherIdAccounts.sub, sub)).run();
      return true;
    }
    const preferredName = typeof event.data.preferredName === "string" && event.data.preferredName.trim() ? event.data.preferredName.trim() : null;
    const held = tx.select().from(teacherIdAccounts).where(eq(teacherIdAccounts.sub, sub)).get();
    if (held?.trn === trn) {
      if (held.preferredName !== preferredName) tx.update(teacherIdAccounts).set({ preferredName, updatedAt: now }).where(eq(teacherIdAccounts.sub, sub)).run();
      return true;
    }
    const since = Date.parse(event.timestamp) || now;
    // One account per TRN (identity enforces it): whoever held it before (a merge) no longer does.
    tx.delete(teacherIdAccounts).where(eq(teacherIdAccounts.trn, trn)).run();
    tx.insert(teacherIdAccounts)
      .values({ sub, trn, since, preferredName, updatedAt: now })
      .onConflictDoUpdate({ target: teacherIdAccounts.sub, set: { trn, since, preferredName, updatedAt: now } })
      .run();
    return true;
  });
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
 * The name the holder of `trn`'s Teacher ID account asked to be called, for an email's greeting;
 * undefined when no account holds it or it gave none (then the record's name greets).
 */
export function preferredNameForTrn(db: Pick<RecordsDatabase, "select">, trn: string): string | undefined {
  const row = db.select({ preferredName: teacherIdAccounts.preferredName }).from(teacherIdAccounts).where(eq(teacherIdAccounts.trn, trn)).limit(1).get();
  return row?.preferredName ?? undefined;
}
