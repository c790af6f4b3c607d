// identity's audit log. Every change to an account writes one event, in the same synchronous
// transaction as the change (and its outbox rows), through recordEvent(): the one way in. The
// table refuses UPDATE and DELETE. Values in a payload are masked (masking.ts); a code or token
// never goes in. Webhooks (a later issue) will enqueue their deliveries from here, in the same
// transaction, so an event and its notifications commit together.
import { asc, desc, eq } from "drizzle-orm";
import type { IdentityDb } from "../accounts/database-types";
import { events } from "../db/schema";

export type EventType =
  /** Account details changed: payload `{ changes: { field: { old, new } } }`, values masked. */
  | "UserUpdated"
  /** The account was deleted: its personal data erased, its TRN unbound, its grants revoked. */
  | "UserDeleted"
  /** A client's access to the account was removed: payload `{ clientId, grantsRevoked }`. */
  | "GrantRevoked"
  /** Every session ended and every grant revoked: payload `{ sessionsEnded, grantsRevoked }`. */
  | "SignedOutEverywhere"
  /** A TRN was bound to the account (e.g. through the Users API): payload `{ trn }`. */
  | "TrnBound";

export interface NewEvent {
  type: EventType;
  /** Who made the change, from actor: `account:<sub>`, `client:<client_id>` (later `staff:<id>`). */
  actor: string;
  /** The account the change is about (its sub). */
  subject: string;
  payload?: Record<string, unknown>;
}

export interface StoredEvent extends Required<NewEvent> {
  id: number;
  time: number;
}

/** How an event names who acted: one prefix per kind of actor, so `--actor client:x` finds them. */
export const actor = {
  account: (sub: string) => `account:${sub}`,
  client: (clientId: string) => `client:${clientId}`,
};

/** Appends one event; call it with the transaction that makes the change. Returns its id. */
export function recordEvent(tx: IdentityDb, event: NewEvent, now = Date.now()): number {
  const row = tx
    .insert(events)
    .values({ time: now, actor: event.actor, subject: event.subject, type: event.type, payload: JSON.stringify(event.payload ?? {}) })
    .returning({ id: events.id })
    .get();
  return row.id;
}

/** An account's events, oldest first (or newest first), for support and tests. */
export function eventsAbout(db: IdentityDb, subject: string, order: "oldest-first" | "newest-first" = "oldest-first"): StoredEvent[] {
  return db
    .select()
    .from(events)
    .where(eq(events.subject, subject))
    .orderBy(order === "oldest-first" ? asc(events.id) : desc(events.id))
    .all()
    .map((row) => ({ ...row, type: row.type as EventType, payload: JSON.parse(row.payload) as Record<string, unknown> }));
}
