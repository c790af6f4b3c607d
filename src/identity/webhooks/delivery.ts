// Sends one webhook delivery (outbox kind "webhook"), signed as Standard Webhooks says:
// `webhook-id` (the event id), `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`.
// A non-2xx reply or no reply in 10 s is a failure, retried by the outbox with backoff for up to
// 3 days (OUTBOX_MAX_AGE). Per subscriber, events go in order: a delivery waits while an earlier one
// to the same subscriber is still pending. A subscriber failing for a day is disabled and logged.
import { and, eq, lt, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Logger } from "../../log/logger";
import { outbox } from "../../outbox/schema";
import { PermanentFailure, type OutboxHandler } from "../../outbox/worker";
import type { IdentityDb } from "../db/database";
import { accounts, events, webhookSubscriptions } from "../db/schema";
import { webhookKind } from "./subscriptions";
import { decryptSecret, findSubscription } from "./subscriptions";

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
  const account = event.subject.includes(":") || event.subject === "identity" ? undefined : db.select().from(accounts).where(eq(accounts.id, event.subject)).get();
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

/** POSTs a signed message; throws on a non-2xx reply or after 10 s. */
export async function post(url: string, request: { headers: Record<string, string>; body: string }, timeoutMs = deliveryTimeoutMs): Promise<void> {
  const response = await fetch(url, { method: "POST", headers: request.headers, body: request.body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (response.status < 200 || response.status > 299) throw new Error(`the subscriber answered ${response.status}`);
}

export function webhookHandler(options: { db: IdentityDb; secretKey: Buffer; logger: Logger; now?: () => number; timeoutMs?: number }): OutboxHandler {
  const { db, secretKey, logger } = options;
  const now = options.now ?? Date.now;
  const earlierPending = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.kind, webhookKind),
        eq(outbox.status, "pending"),
        lt(outbox.id, sql.placeholder("id")),
        sql`json_extract(${outbox.payload}, '$.subscriptionId') = ${sql.placeholder("subscriptionId")}`,
      ),
    )
    .limit(1)
    .prepare();
  return async (payload: { subscriptionId: string; eventId: number; ping?: boolean }, context) => {
    const subscription = findSubscription(db, payload.subscriptionId);
    if (!subscription) throw new PermanentFailure("the subscription was removed");
    if (subscription.disabledAt !== null && !payload.ping) throw new PermanentFailure("the subscription is disabled");
    // In order per subscriber: wait until every earlier delivery to it has gone (or given up).
    if (earlierPending.get({ id: context.id, subscriptionId: subscription.id })) throw new Error("waiting for an earlier event to this subscriber");
    const message: WebhookMessage | undefined = payload.ping
      ? { id: `ping-${context.id}`, type: "Ping", timestamp: new Date(now()).toISOString(), data: {} }
      : (() => {
          const event = db.select().from(events).where(eq(events.id, payload.eventId)).get();
          return event && webhookMessage(db, event);
        })();
    if (!message) throw new PermanentFailure("the event is gone");
    try {
      await post(subscription.url, signedRequest(decryptSecret(secretKey, subscription.id, subscription.secretEncrypted), message, new Date(now())), options.timeoutMs);
    } catch (error) {
      const at = now();
      const failingSince = subscription.failingSince ?? at;
      if (at - failingSince >= disableAfterFailingMs) {
        db.update(webhookSubscriptions).set({ disabledAt: at }).where(eq(webhookSubscriptions.id, subscription.id)).run();
        logger.error("webhook_subscriber_disabled", { subscription_id: subscription.id, failing_since: new Date(failingSince).toISOString() });
        throw new PermanentFailure("the subscriber has failed for a day: disabled");
      }
      if (subscription.failingSince === null) db.update(webhookSubscriptions).set({ failingSince }).where(eq(webhookSubscriptions.id, subscription.id)).run();
      throw error;
    }
    if (subscription.failingSince !== null) db.update(webhookSubscriptions).set({ failingSince: null }).where(eq(webhookSubscriptions.id, subscription.id)).run();
  };
}
