// Development only: when records runs in this process, `serve` subscribes it to identity's events
// (POST {records}/webhooks/identity), as it provisions the internal clients, and leaves the signing
// secret in the provisioned secrets file for records to read. In production the operator adds the
// subscription (`teacher-id identity webhooks add --url https://records.../webhooks/identity
// --events ... --secret $IDENTITY_WEBHOOK_SECRET`) with the secret set in records' settings.
import { readProvisionedSecrets, recordsWebhook, saveProvisionedWebhookSecret } from "../../config/internal-clients";
import type { Logger } from "../../log/logger";
import type { IdentityDb } from "../db/database";
import type { IdentityConfig } from "../settings";
import { addSubscription, decryptSecret, listSubscriptions, rotateSubscriptionSecret } from "../webhooks/subscriptions";

export function provisionRecordsWebhook(
  db: IdentityDb,
  webhookSecretKey: Buffer,
  config: Pick<IdentityConfig, "ENVIRONMENT" | "DATA_DIR" | "urls">,
  logger: Logger,
): void {
  if (config.ENVIRONMENT !== "development") return;
  const url = `${config.urls.records}${recordsWebhook.path}`;
  const existing = listSubscriptions(db).find((subscription) => subscription.url === url);
  if (!existing) {
    const { subscription, secret } = addSubscription(db, webhookSecretKey, { url, events: [...recordsWebhook.events] });
    saveProvisionedWebhookSecret(config, secret);
    logger.info("webhook_provisioned", { subscription_id: subscription.id, for_service: "records" });
    return;
  }
  // The file lost the secret (or holds another): records could verify nothing, so issue a new one.
  const saved = readProvisionedSecrets(config).identityWebhookSecret;
  if (saved === undefined || saved !== decryptSecret(webhookSecretKey, existing.id, existing.secretEncrypted)) {
    saveProvisionedWebhookSecret(config, rotateSubscriptionSecret(db, webhookSecretKey, existing.id)!);
    logger.warn("webhook_secret_reprovisioned", { subscription_id: existing.id, for_service: "records" });
  }
}
