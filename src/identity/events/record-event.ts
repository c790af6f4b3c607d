// Writing identity's audit log (the `events` table): one row per account-affecting action, in the
// same synchronous transaction as the change it records, so the log and the data never disagree.
// Rows are only ever inserted. A payload names what changed and never holds a secret, code or token.
import { sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../accounts/database-types";
import { events } from "../db/schema";

export type EventType = "TrnBound";

export interface NewEvent {
  type: EventType;
  /** Who acted: `client:<client_id>`, `account:<sub>` or `staff:<id>` (see actor()). */
  actor: string;
  /** The account it is about (its sub). */
  subject: string | null;
  payload: Record<string, unknown>;
}

export const actor = {
  client: (clientId: string) => `client:${clientId}`,
  account: (sub: string) => `account:${sub}`,
};

const insertEvent = perConnection((db: IdentityDb) =>
  db
    .insert(events)
    .values({
      occurredAt: sql.placeholder("occurredAt"),
      type: sql.placeholder("type"),
      actor: sql.placeholder("actor"),
      subject: sql.placeholder("subject"),
      payload: sql.placeholder("payload"),
    })
    .returning({ id: events.id })
    .prepare(),
);

/** Appends one event; pass the transaction that makes the change. Returns its id. */
export function recordEvent(tx: IdentityDb, event: NewEvent, now = Date.now()): number {
  const row = insertEvent(tx).get({
    occurredAt: now,
    type: event.type,
    actor: event.actor,
    subject: event.subject,
    payload: JSON.stringify(event.payload),
  });
  return row!.id;
}
