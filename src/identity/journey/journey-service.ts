// Builds identity's journeys for its service: the pages, the records lookup (client credentials,
// scope teachers:read), and identity's outbox worker that sends the codes by email and SMS.
import { createClientCredentialsTokenSource } from "../../auth/client-credentials";
import type { Config } from "../../config/config";
import { internalClientCredentials } from "../../config/internal-clients";
import type { Logger } from "../../log/logger";
import { createMailer, mailHandlers } from "../../mail/mailer";
import { createOutboxWorker, outboxTimingFromConfig } from "../../outbox/worker";
import type { OutboxHandler } from "../../outbox/worker";
import type { BackgroundWorker } from "../../server/service";
import type { ServiceBrand } from "../../web/layout";
import type { IdentityDatabase } from "../db/database";
import { completeAuthorization } from "../oidc/authorize";
import { createTeacherLookup } from "../register/records-client";
import { createJourneyCleanupWorker } from "./journey-cleanup";
import { journeyRoutes } from "./journey-routes";

export function createJourneys(options: { config: Config; logger: Logger; db: IdentityDatabase; brand: ServiceBrand }) {
  const { config, logger, db, brand } = options;
  const mailer = createMailer(config, logger);
  const worker = createOutboxWorker({
    name: "identity-outbox",
    db,
    logger,
    timing: outboxTimingFromConfig(config),
    handlers: redactAfterSending(mailHandlers(mailer, logger)),
  });
  const tokens = createClientCredentialsTokenSource({
    tokenUrl: `${config.urls.identity}/token`,
    // Read when first needed: `serve` provisions these credentials as identity starts.
    credentials: () => internalClientCredentials(config, "identity"),
    scope: "teachers:read",
  });
  const routes = journeyRoutes({
    db,
    config,
    logger,
    brand,
    secure: config.urls.identity.startsWith("https://"),
    completeAuthorization: (database, input) => completeAuthorization(database, input),
    findTeacher: createTeacherLookup({ recordsUrl: config.urls.records, tokens, logger }),
    trnTokenLifetimeMs: config.TRN_TOKEN_TTL,
    nudgeOutbox: () => worker.nudge(),
  });
  const cleanup = createJourneyCleanupWorker({ db, logger, rateLimitWindowMs: config.RATE_LIMIT_WINDOW });
  const workers: BackgroundWorker[] = [worker, cleanup];
  return { routes, workers, close: () => mailer.close() };
}

/**
 * identity's messages carry security codes and new TRN tokens. Once one is sent, its outbox row
 * keeps only who it went to and its subject: secrets are not kept at rest longer than delivery takes.
 */
function redactAfterSending(handlers: Record<string, OutboxHandler>): Record<string, OutboxHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([kind, handler]) => [
      kind,
      (async (payload, context) => {
        await handler(payload, context);
        const { to, subject } = payload as { to?: string; subject?: string };
        return { storePayload: { to, subject, text: "[redacted after sending]" } };
      }) satisfies OutboxHandler,
    ]),
  );
}
