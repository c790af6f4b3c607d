// Putting a message in the outbox. Call it inside the same synchronous transaction as the change
// that causes the message, so both commit or neither does.
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { perConnection } from "../db/per-connection";
import { outbox } from "./schema";

/** Payload of kind "email". */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Payload of kind "sms": `to` is E.164, e.g. +447700900123. */
export interface SmsMessage {
  to: string;
  text: string;
}

type AnySqliteDb = BaseSQLiteDatabase<"sync", unknown, any, any>;

/**
 * Inserts a pending message due now. With a dedupeKey, a second enqueue with the same key is a
 * no-op (returns undefined), which makes repeated API calls safe.
 */
export function enqueueMessage(
  db: AnySqliteDb,
  message: { kind: string; payload: unknown; dedupeKey?: string },
  now = Date.now(),
): number | undefined {
  return preparedEnqueue(db)(message, now);
}

// The statement of prepareEnqueue, made once per connection (a transaction shares its database's).
const preparedEnqueue = perConnection((db: AnySqliteDb) => prepareEnqueue(db));

export const enqueueEmail = (db: AnySqliteDb, email: EmailMessage, now?: number) =>
  enqueueMessage(db, { kind: "email", payload: email }, now);

export const enqueueSms = (db: AnySqliteDb, sms: SmsMessage, now?: number) =>
  enqueueMessage(db, { kind: "sms", payload: sms }, now);

/**
 * enqueueMessage as a statement prepared once, for hot paths (e.g. records' itt-outcome at
 * thousands a second): building and preparing the SQL on every call costs more than the insert.
 * Works inside a transaction opened on the same database.
 */
export function prepareEnqueue(db: AnySqliteDb): (message: { kind: string; payload: unknown; dedupeKey?: string }, now?: number) => number | undefined {
  const statement = db
    .insert(outbox)
    .values({
      kind: sql.placeholder("kind"),
      payload: sql.placeholder("payload"),
      dedupeKey: sql.placeholder("dedupeKey"),
      nextAttemptAt: sql.placeholder("now"),
      createdAt: sql.placeholder("now"),
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id })
    .prepare();
  return (message, now = Date.now()) =>
    statement.get({ kind: message.kind, payload: JSON.stringify(message.payload), dedupeKey: message.dedupeKey ?? null, now })?.id;
}
