// identity's audit log. Every change to an account writes one event, in the same synchronous
// transaction as the change (and its outbox rows), through recordEvent(): the one way in. The
// table refuses UPDATE and DELETE. Values in a payload are masked (masking.ts); a code or token
// never goes in. Webhooks will enqueue their deliveries from here, in the same
// transaction, so an event and its notifications commit together.
import { and, asc, desc, eq, gte, sql, type SQL } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../db/database";
import { events } from "../db/schema";
import { prepareEnqueue } from "../../outbox/enqueue";
import { subscriberIds, webhookKind } from "../webhooks/subscriptions";

export type EventType =
  /** Account details changed: payload `{ changes: { field: { old, new } } }`, values masked. */
  | "UserUpdated"
  /** The account was deleted: its personal data erased, its TRN unbound, its grants revoked. */
  | "UserDeleted"
  /** A client's access to the account was removed: payload `{ clientId, grantsRevoked }`. */
  | "GrantRevoked"
  /** Every session ended and every grant revoked: payload `{ sessionsEnded, grantsRevoked }`. */
  | "SignedOutEverywhere"
  /**
   * A TRN was bound to the account (Users API, a magic link to an existing account, a record found
   * without a link, or support resolving a case): payload `{ trn, via }`.
   */
  | "TrnBound"
  /** An account was created from a TRN token: payload `{ trn, clientId, withPhone }`. */
  | "UserRegistered"
  /**
   * A journey signed the account in (once per sign-in): payload `{ clientId, registration }`, and
   * `method: "sms-recovery"` when the teacher signed in with a code texted to their mobile because
   * they could not access their email address.
   */
  | "UserSignedIn"
  /** A TRN token was issued (subject `trn:<trn>`): payload `{ clientId, trn, expiresAt }`, never the token. */
  | "TrnTokenIssued"
  /**
   * Two accounts became one (support console): subject and payload `sub` are the account merged
   * away, `mergedIntoSub` the one that remains; build it with userMerged(). Webhook data adds the
   * surviving account as it is now (email, preferredName, trn, verified).
   */
  | "UserMerged"
  /** Support removed the account's TRN: payload `{ trn, reason }`. */
  | "TrnRemoved"
  /** identity's signing keys were replaced (subject `identity`): payload `{ kids }`. */
  | "SigningKeyRotated"
  /** A client was added, removed, or had its secret, scopes or rate limit changed (subject `client:<id>`): payload `{ change, ... }`. */
  | "ClientChanged"
  /** Support staff blocked the account: its sessions ended, its grants revoked. Payload `{ reason, sessionsEnded, grantsRevoked }`. */
  | "UserBlocked"
  /** Support staff unblocked the account. Payload `{ reason }`. */
  | "UserUnblocked"
  /** A webhook subscriber was added, removed, re-keyed or pinged from the console (subject `webhook:<id>`): payload `{ change, reason }`. */
  | "WebhookChanged"
  /** A staff member was added, removed or given another role (subject `staff:<id>`): payload `{ change, role?, reason? }`. */
  | "StaffChanged"
  /** Support closed a "no match" support case without a TRN (subject: the case's account): payload `{ reference, reason }`. */
  | "SupportCaseClosed";

export const eventTypes: readonly EventType[] = [
  "UserRegistered",
  "UserSignedIn",
  "TrnTokenIssued",
  "TrnBound",
  "TrnRemoved",
  "UserUpdated",
  "UserMerged",
  "UserDeleted",
  "GrantRevoked",
  "SignedOutEverywhere",
  "SigningKeyRotated",
  "ClientChanged",
  "UserBlocked",
  "UserUnblocked",
  "WebhookChanged",
  "StaffChanged",
  "SupportCaseClosed",
];

export interface NewEvent {
  type: EventType;
  /** Who made the change, from actor: `account:<sub>`, `client:<client_id>`, `staff:<id>` (the support console). */
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
  /** Someone with the database and the key (the teacher-id command line). */
  operator: () => "operator:cli",
  /** identity itself (e.g. `serve` provisioning its internal clients). */
  system: () => "system:identity",
  /** A member of the support staff, through the console (/admin); their events carry `reason`. */
  staff: (staffId: string) => `staff:${staffId}`,
};

/** What a UserMerged event carries (besides who did it): build the event with userMerged(). */
export interface UserMergedPayload {
  /** The account merged away (no longer used). */
  sub: string;
  /** The account that remains, holding what the merge kept (e.g. the TRN). */
  mergedIntoSub: string;
  /** Why (a support console action records its reason). */
  reason?: string;
  [more: string]: unknown;
}

/** The UserMerged event for recordEvent, in the transaction that merges the accounts. */
export function userMerged(by: string, payload: UserMergedPayload): NewEvent {
  return { type: "UserMerged", actor: by, subject: payload.sub, payload };
}

/** Subjects of events that are not about one account. */
export const subject = {
  trn: (trn: string) => `trn:${trn}`,
  client: (clientId: string) => `client:${clientId}`,
  identity: () => "identity",
  webhook: (id: string) => `webhook:${id}`,
  staff: (staffId: string) => `staff:${staffId}`,
};

// Prepared once per connection: POST /trn-tokens writes one event per token at thousands a second.
const insertEvent = perConnection((db: IdentityDb) =>
  db
    .insert(events)
    .values({
      time: sql.placeholder("time"),
      actor: sql.placeholder("actor"),
      subject: sql.placeholder("subject"),
      type: sql.placeholder("type"),
      payload: sql.placeholder("payload"),
    })
    .returning({ id: events.id })
    .prepare(),
);

const enqueue = perConnection((db: IdentityDb) => prepareEnqueue(db));

/** Appends one event; call it with the transaction that makes the change. Returns its id. */
export function recordEvent(tx: IdentityDb, event: NewEvent, now = Date.now()): number {
  const row = insertEvent(tx).get({ time: now, actor: event.actor, subject: event.subject, type: event.type, payload: JSON.stringify(event.payload ?? {}) });
  // One webhook delivery per subscriber, committed with the event (webhooks/delivery.ts sends it).
  for (const subscriptionId of subscriberIds(tx, event.type)) {
    enqueue(tx)({ kind: webhookKind, payload: { subscriptionId, eventId: row!.id }, dedupeKey: `webhook:${subscriptionId}:${row!.id}` }, now);
  }
  return row!.id;
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

export interface EventFilter {
  subject?: string;
  type?: string;
  actor?: string;
  /** ms since the epoch: events at or after it. */
  since?: number;
  limit?: number;
}

/** Events matching every given filter, oldest first (`teacher-id identity events list`). */
export function listEvents(db: IdentityDb, filter: EventFilter = {}): StoredEvent[] {
  const conditions: SQL[] = [];
  if (filter.subject !== undefined) conditions.push(eq(events.subject, filter.subject));
  if (filter.type !== undefined) conditions.push(eq(events.type, filter.type));
  if (filter.actor !== undefined) conditions.push(eq(events.actor, filter.actor));
  if (filter.since !== undefined) conditions.push(gte(events.time, filter.since));
  return db
    .select()
    .from(events)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(events.id))
    .limit(filter.limit ?? 1000)
    .all()
    .map((row) => ({ ...row, type: row.type as EventType, payload: JSON.parse(row.payload) as Record<string, unknown> }));
}
