// POST /webhooks/identity: identity's events (Standard Webhooks), verified with the standardwebhooks
// package. A bad signature, or a timestamp more than 5 minutes away (the package's tolerance), is
// 401 problem+json; identity's outbox then retries with a fresh timestamp. A replayed webhook-id is
// answered 204 and not applied again. The work is one small transaction, so the answer is quick.
import { Elysia } from "elysia";
import { Webhook } from "standardwebhooks";
import { readProvisionedSecrets, recordsWebhook } from "../../config/internal-clients";
import type { Logger } from "../../log/logger";
import { problemResponse } from "../../web/problem";
import { readBodyText } from "../../web/request-body";
import type { RecordsDatabase } from "../db/database";
import type { RecordsConfig } from "../settings";
import { applyIdentityEvent, type IdentityEvent } from "./teacher-id-accounts";

export const identityWebhookPath = recordsWebhook.path;

/** IDENTITY_WEBHOOK_SECRET, else (development) the one `serve` provisioned; read per delivery, as identity may provision it after records starts. */
export function identityWebhookSecret(config: Pick<RecordsConfig, "ENVIRONMENT" | "DATA_DIR" | "IDENTITY_WEBHOOK_SECRET">): string | undefined {
  if (config.IDENTITY_WEBHOOK_SECRET) return config.IDENTITY_WEBHOOK_SECRET;
  return config.ENVIRONMENT === "development" ? readProvisionedSecrets(config).identityWebhookSecret : undefined;
}

const refused = (detail: string) => problemResponse({ status: 401, title: "The webhook could not be verified.", detail });

export function identityEventRoutes(options: { db: RecordsDatabase; secret: () => string | undefined; logger: Logger }) {
  const { db, logger } = options;
  return new Elysia({ name: "records-identity-events" }).post(identityWebhookPath, async ({ request }) => {
    // The raw body: the signature is over these bytes (the route never reads the parsed `body`).
    const payload = await readBodyText(request);
    const secret = options.secret();
    if (!secret) {
      logger.error("identity_webhook_unconfigured", { hint: "set IDENTITY_WEBHOOK_SECRET to the secret of records' subscription at identity" });
      return problemResponse({ status: 503, title: "records cannot verify identity's webhooks yet.", detail: "IDENTITY_WEBHOOK_SECRET is not set." });
    }
    let event: IdentityEvent;
    try {
      event = new Webhook(secret).verify(payload, Object.fromEntries(request.headers)) as IdentityEvent;
    } catch (error) {
      const detail = error instanceof Error && /timestamp/i.test(error.message) ? "The webhook-timestamp is more than 5 minutes away." : "The signature does not match.";
      logger.warn("identity_webhook_refused", { reason: detail });
      return refused(detail);
    }
    if (typeof event !== "object" || event === null || typeof event.type !== "string" || typeof event.data !== "object" || event.data === null) {
      return problemResponse({ status: 400, title: "The webhook is not an event.", detail: "Expected { id, type, timestamp, data }." });
    }
    const id = request.headers.get("webhook-id")!;
    const applied = applyIdentityEvent(db, { ...event, id });
    logger.info(applied ? "identity_event_applied" : "identity_event_replay_ignored", { webhook_id: id, type: event.type });
    return new Response(null, { status: 204 });
  });
}
