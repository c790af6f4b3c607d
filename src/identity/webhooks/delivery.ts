// Sends one webhook delivery (outbox kind "webhook"), signed as Standard Webhooks says:
// `webhook-id` (the event id), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`.
//
// - A non-2xx reply (a redirect included) or no reply in 10 s is a failure. Failures are retried on
//   the outbox's schedule (OUTBOX_RETRY_MIN doubling to OUTBOX_RETRY_MAX, half of it jittered: 2 s,
//   4 s, 8 s ... then every 7.5-15 min by default) until the delivery is older than OUTBOX_MAX_AGE
//   (3 days). The cap bounds how long a subscriber that comes back waits for its next delivery.
// - In order per subscriber: a delivery waits (Postpone: no attempt counted, no backoff) while an
//   earlier one to the same subscriber is pending; each one sent makes the next one due at once.
//   A `Ping` (`webhooks test ID`) skips the queue; when it gets a 2xx the subscriber's next delivery
//   is made due at once (so a subscriber back from an outage need not wait out a backoff step).
// - A subscriber failing for a day (no 2xx since its first failure) is disabled and logged; its
//   waiting deliveries fail. `webhooks enable ID` puts them back (subscriptions.ts).
// - Production (SSRF): only https, and before each send the host is resolved, every address checked
//   (no loopback, link-local, private, CGNAT, ULA...), and the connection made to a checked address.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { and, asc, eq, lt, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Environment } from "../../config/config";
import type { Logger } from "../../log/logger";
import { outbox } from "../../outbox/schema";
import { PermanentFailure, Postpone, type OutboxHandler } from "../../outbox/worker";
import { findAccountById } from "../accounts/accounts";
import type { IdentityDb } from "../db/database";
import { accounts, events, webhookSubscriptions } from "../db/schema";
import { decryptSecret, findSubscription, isInternalAddress, resolveHost, webhookKind, type Resolver } from "./subscriptions";

export const deliveryTimeoutMs = 10_000;
export const disableAfterFailingMs = 86_400_000;

export interface WebhookMessage {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** What a subscriber receives for an event: for users, the account as it is now (a deleted one: only its sub). */
export function webhookMessage(db: IdentityDb, event: typeof events.$inferSelect): WebhookMessage {
  const base = { id: String(event.id), type: event.type, timestamp: new Date(event.time).toISOString() };
  if (event.type === "UserMerged") {
    // { sub: merged away, mergedIntoSub: survivor } and the survivor as it is now; never the staff member's reason.
    const payload = JSON.parse(event.payload) as { sub?: string; mergedIntoSub?: string };
    const survivor = payload.mergedIntoSub ? db.select().from(accounts).where(eq(accounts.id, payload.mergedIntoSub)).get() : undefined;
    return {
      ...base,
      data: {
        sub: payload.sub ?? event.subject,
        mergedIntoSub: payload.mergedIntoSub ?? null,
        ...(survivor ? { email: survivor.email, preferredName: survivor.preferredName, trn: survivor.trn, verified: true } : {}),
      },
    };
  }
  const account = event.subject.includes(":") || event.subject === "identity" ? undefined : findAccountById(db, event.subject);
  if (account) {
    return {
      ...base,
      data: {
        sub: account.id,
        email: account.email,
        preferredName: account.preferredName,
        trn: account.trn,
        // Every account's email is verified (codes); its TRN is verified when it came from records.
        verified: true,
        ...(event.type === "UserRegistered" || event.type === "TrnBound" ? { clientId: JSON.parse(event.payload).clientId ?? null } : {}),
      },
    };
  }
  if (event.type === "UserDeleted") return { ...base, data: { sub: event.subject } };
  return { ...base, data: JSON.parse(event.payload) };
}

export function signedRequest(secret: string, message: WebhookMessage, now = new Date()): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(message);
  const signature = new Webhook(secret).sign(message.id, now, body);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "webhook-id": message.id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    },
  };
}

/** Which addresses a delivery may connect to (production): resolved before each send, every one checked. */
export interface AddressGuard {
  resolve: Resolver;
  /** True for an address never to connect to. */
  refuse: (address: string) => boolean;
}

export const productionGuard = (resolve: Resolver = resolveHost): AddressGuard => ({ resolve, refuse: isInternalAddress });

/**
 * POSTs a signed message; throws on a non-2xx reply or after `timeoutMs`. With a guard (production),
 * the URL must be https, the host is resolved and checked now, and the connection goes to one of
 * the checked addresses (the lookup the connection uses is the check), so a DNS answer that changes
 * between check and connect cannot reach an internal address. Without one (development), plain fetch.
 */
export async function post(url: string, request: { headers: Record<string, string>; body: string }, options: { timeoutMs?: number; guard?: AddressGuard; requireHttps?: boolean } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? deliveryTimeoutMs;
  if (!options.guard) {
    const response = await fetch(url, { method: "POST", headers: request.headers, body: request.body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) throw new Error(`the subscriber answered ${response.status}`);
    return;
  }
  const target = new URL(url);
  if ((options.requireHttps ?? true) && target.protocol !== "https:") throw new Error("the URL is not https:// (required in production)");
  if (target.protocol !== "https:" && target.protocol !== "http:") throw new Error("the URL is not http(s)");
  const guard = options.guard;
  const host = target.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && guard.refuse(host)) throw new Error(`the URL's address ${host} is loopback, link-local or private`);
  // Called by the connection for the host's addresses: the only addresses it can connect to.
  const lookup = (hostname: string, lookupOptions: { all?: boolean } | number | undefined, callback: (...args: any[]) => void) => {
    guard.resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: "ENOTFOUND" }));
        const refused = addresses.find(guard.refuse);
        if (refused) return callback(Object.assign(new Error(`${hostname} resolves to ${refused}, a loopback, link-local or private address`), { code: "EREFUSED_ADDRESS" }));
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (typeof lookupOptions === "object" && lookupOptions?.all) callback(null, entries);
        else callback(null, entries[0]!.address, entries[0]!.family);
      },
      (error) => callback(error),
    );
  };
  await new Promise<void>((resolve, reject) => {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const outgoing = send(
      {
        host,
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: "POST",
        headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
        lookup: lookup as never,
        // A new connection per send: a kept-alive one would skip the lookup (and so the check).
        agent: false,
        servername: isIP(host) ? undefined : host,
      },
      (response: IncomingMessage) => {
        clearTimeout(timer);
        response.resume();
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) reject(new Error(`the subscriber answered ${status}`));
        else resolve();
      },
    );
    const timer = setTimeout(() => outgoing.destroy(new Error(`no reply in ${timeoutMs / 1000} s`)), timeoutMs);
    outgoing.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });
}

export interface WebhookHandlerOptions {
  db: IdentityDb;
  secretKey: Buffer;
  logger: Logger;
  /** production: https only, every address checked before each send (AddressGuard). */
  environment?: Environment;
  /** For tests: how production resolves a host. */
  resolve?: Resolver;
  now?: () => number;
  timeoutMs?: number;
  /** A waiting delivery's backstop recheck (default a minute; serve uses min(a minute, OUTBOX_RETRY_MAX)). */
  recheckMs?: number;
}

/** At most how long a delivery waits, after the one before it is due, before it looks again (it is normally woken sooner). */
export const defaultRecheckMs = 60_000;

export function webhookHandler(options: WebhookHandlerOptions): OutboxHandler {
  const { db, secretKey, logger } = options;
  const now = options.now ?? Date.now;
  const guard = options.environment === "production" ? productionGuard(options.resolve) : undefined;
  const recheckMs = options.recheckMs ?? defaultRecheckMs;
  const bySubscription = sql`json_extract(${outbox.payload}, '$.subscriptionId') = ${sql.placeholder("subscriptionId")}`;
  // Literals, as the partial index outbox_pending_webhooks (identity migration 0007) is written.
  const pendingForSubscriber = and(
    sql`${outbox.kind} = 'webhook' and ${outbox.status} = 'pending'`,
    bySubscription,
    sql`json_extract(${outbox.payload}, '$.ping') is null`,
  );
  const earlierPending = db
    .select({ id: outbox.id, nextAttemptAt: outbox.nextAttemptAt, claimedUntil: outbox.claimedUntil })
    .from(outbox)
    .where(and(pendingForSubscriber, lt(outbox.id, sql.placeholder("id"))))
    .orderBy(asc(outbox.id))
    .limit(1)
    .prepare();
  const nextPending = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(pendingForSubscriber)
    .orderBy(asc(outbox.id))
    .limit(1)
    .prepare();
  const makeDue = db
    .update(outbox)
    .set({ nextAttemptAt: sql`${sql.placeholder("now")}` })
    .where(and(eq(outbox.id, sql.placeholder("id")), eq(outbox.status, "pending")))
    .prepare();
  const eventById = db.select().from(events).where(eq(events.id, sql.placeholder("id"))).prepare();
  /** The subscriber's next delivery, due now (called once the one before it is recorded as sent). */
  const wakeNext = (subscriptionId: string) => () => {
    const next = nextPending.get({ subscriptionId });
    if (next) makeDue.run({ id: next.id, now: now() });
  };
  return async (payload: { subscriptionId: string; eventId: number; ping?: boolean }, context) => {
    const subscription = findSubscription(db, payload.subscriptionId);
    if (!subscription) throw new PermanentFailure("the subscription was removed");
    if (subscription.disabledAt !== null && !payload.ping) throw new PermanentFailure("the subscription is disabled");
    // In order per subscriber: wait (no attempt counted) until every earlier delivery to it has gone
    // or given up; the one before wakes this one when it is sent.
    if (!payload.ping) {
      const earlier = earlierPending.get({ id: context.id, subscriptionId: subscription.id });
      if (earlier) {
        // The one before wakes this one when it is sent; the recheck is a backstop (a crash between
        // the two), so a long backlog is not re-read over and over while it waits.
        throw new Postpone(Math.max(earlier.nextAttemptAt, now()) + recheckMs, `waiting for delivery ${earlier.id} to this subscriber`);
      }
    }
    const message: WebhookMessage | undefined = payload.ping
      ? { id: `ping-${context.id}`, type: "Ping", timestamp: new Date(now()).toISOString(), data: {} }
      : (() => {
          const event = eventById.get({ id: payload.eventId });
          return event && webhookMessage(db, event);
        })();
    if (!message) throw new PermanentFailure("the event is gone");
    try {
      const signed = signedRequest(decryptSecret(secretKey, subscription.id, subscription.secretEncrypted), message, new Date(now()));
      await post(subscription.url, signed, { timeoutMs: options.timeoutMs, guard });
    } catch (error) {
      // An operator's Ping says nothing about the subscriber's failing day.
      if (payload.ping) throw error;
      const at = now();
      const failingSince = subscription.failingSince ?? at;
      if (at - failingSince >= disableAfterFailingMs) {
        db.update(webhookSubscriptions).set({ disabledAt: at }).where(eq(webhookSubscriptions.id, subscription.id)).run();
        logger.error("webhook_subscriber_disabled", {
          subscription_id: subscription.id,
          failing_since: new Date(failingSince).toISOString(),
          hint: `no 2xx for a day; 'teacher-id identity webhooks enable ${subscription.id}' sends its waiting events again`,
        });
        throw new PermanentFailure("the subscriber has failed for a day: disabled");
      }
      if (subscription.failingSince === null) db.update(webhookSubscriptions).set({ failingSince }).where(eq(webhookSubscriptions.id, subscription.id)).run();
      throw error;
    }
    if (subscription.failingSince !== null) db.update(webhookSubscriptions).set({ failingSince: null }).where(eq(webhookSubscriptions.id, subscription.id)).run();
    return { afterRecorded: wakeNext(subscription.id) };
  };
}
