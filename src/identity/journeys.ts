// identity's journeys, put together: the sign-in and registration pages (/interaction, /sign-in,
// /register, new link), the teacher's own /account (which signs in through the same journeys), the
// records lookup both need (client credentials, scope teachers:read), and identity's outbox worker
// that sends the codes by email and SMS.
// This is the one place that knows every journey: it wires what sign-in does next for a
// registration, so the journey folders never import each other in a circle.
import { Elysia } from "elysia";
import { createClientCredentialsTokenSource } from "../auth/client-credentials";
import type { IdentityConfig } from "./settings";
import { internalClientCredentials } from "../config/internal-clients";
import type { Logger } from "../log/logger";
import { createMailer, mailHandlers } from "../mail/mailer";
import { outboxStatsReader } from "../outbox/outbox-stats";
import { createOutboxWorker, outboxTimingFromConfig, type OutboxHandler } from "../outbox/worker";
import { supportContact } from "../config/config";
import type { BackgroundWorker } from "../server/service";
import type { ServiceBrand } from "../web/layout";
import type { IdentityDatabaseFile } from "./db/database";
import { createAccountCleanupWorker } from "./account/account-cleanup";
import { accountRoutes } from "./account/account-routes";
import { interactionRoutes } from "./interaction/interaction-routes";
import { finishJourney } from "./journey/finish-journey";
import { createJourneyCleanupWorker } from "./journey/journey-cleanup";
import type { JourneyDeps } from "./journey/journey-deps";
import { newLinkRoutes } from "./new-link/new-link-routes";
import { dateOfBirthToRecordsHandler, dateOfBirthToRecordsKind } from "./register/date-of-birth-to-records";
import { finishWithExistingAccount } from "./register/existing-account";
import { createTeacherLookup } from "./register/records-client";
import { recoveryRoutes } from "./recovery/recovery-routes";
import { registerRoutes } from "./register/register-routes";
import type { RegisterDeps } from "./register/register-service";
import { signInRoutes } from "./sign-in/sign-in-routes";
import { findRecordRoutes } from "./find-record/find-record-routes";
import type { FindRecordDeps } from "./find-record/find-record-service";
import { createTeacherMatcher } from "./find-record/records-matcher";
import { webhookKind } from "./webhooks/subscriptions";
import { defaultRecheckMs, webhookHandler } from "./webhooks/delivery";
import { blockedAccountReply } from "./journey/account-blocked";

export function createJourneys(options: { config: IdentityConfig; logger: Logger; db: IdentityDatabaseFile; brand: ServiceBrand; webhookSecretKey: Buffer }) {
  const { config, logger, db, brand } = options;
  const mailer = createMailer(config, logger);
  const tokens = createClientCredentialsTokenSource({
    tokenUrl: `${config.urls.identity}/token`,
    // Read when first needed: `serve` provisions these credentials as identity starts.
    credentials: () => internalClientCredentials(config, "identity"),
    scope: "teachers:read",
  });
  // The date of birth a teacher gave while registering (their record had none), sent to records.
  const dateOfBirthTokens = createClientCredentialsTokenSource({
    tokenUrl: `${config.urls.identity}/token`,
    credentials: () => internalClientCredentials(config, "identity"),
    scope: "date_of_birth:write",
  });
  const worker = createOutboxWorker({
    name: "identity-outbox",
    db,
    logger,
    timing: outboxTimingFromConfig(config),
    handlers: {
      ...redactAfterSending(mailHandlers(mailer, logger)),
      [webhookKind]: webhookHandler({
        db,
        secretKey: options.webhookSecretKey,
        logger,
        environment: config.ENVIRONMENT,
        recheckMs: Math.min(defaultRecheckMs, config.OUTBOX_RETRY_MAX),
      }),
      [dateOfBirthToRecordsKind]: dateOfBirthToRecordsHandler({ recordsUrl: config.urls.records, tokens: dateOfBirthTokens, logger }),
    },
  });
  const deps: JourneyDeps = {
    db,
    config,
    logger,
    brand,
    secure: config.urls.identity.startsWith("https://"),
    nudgeOutbox: () => worker.nudge(),
  };
  const register: RegisterDeps = { ...deps, findTeacher: createTeacherLookup({ recordsUrl: config.urls.records, tokens, logger }) };
  // "Create an account without a link": records' matcher, with its own scope (teachers:match).
  const matchTokens = createClientCredentialsTokenSource({
    tokenUrl: `${config.urls.identity}/token`,
    credentials: () => internalClientCredentials(config, "identity"),
    scope: "teachers:match",
  });
  const findRecord: FindRecordDeps = {
    ...deps,
    findTeacher: register.findTeacher,
    matchTeacher: createTeacherMatcher({ recordsUrl: config.urls.records, tokens: matchTokens, logger }),
    findRecord: findRecordSettingsOf(config),
  };
  const routes = new Elysia({ name: "identity-journeys" })
    .use(interactionRoutes(register))
    .use(
      signInRoutes({
        ...deps,
        // Signed in during a registration: attach the TRN token first, then back to the client.
        // A blocked account stops here, before a registration's TRN token is used.
        afterSignIn: (journey, account) =>
          blockedAccountReply(db, brand, account.id) ??
          (journey.state.registration ? finishWithExistingAccount(register, journey, account) : finishJourney(deps, journey, account)),
      }),
    )
    // "I cannot access this email address": a code texted to the account's mobile, then its email change.
    .use(recoveryRoutes(deps))
    .use(registerRoutes(register))
    .use(findRecordRoutes(findRecord))
    .use(newLinkRoutes({ ...deps, trnTokenLifetimeMs: config.TRN_TOKEN_TTL }))
    .use(accountRoutes({ ...deps, findTeacher: register.findTeacher }));
  const cleanup = createJourneyCleanupWorker({ db, logger, rateLimitWindowMs: config.RATE_LIMIT_WINDOW });
  const workers: BackgroundWorker[] = [worker, cleanup, createAccountCleanupWorker({ db, logger })];
  return {
    routes,
    workers,
    /** What support's functions (src/identity/find-record/support-cases.ts) need: the console passes it on. */
    support: { db, logger, findTeacher: register.findTeacher, settings: findRecord.findRecord, nudgeOutbox: deps.nudgeOutbox },
    // For readiness and the metrics: how mail deliveries go, and what waits in the outbox.
    mailDependencies: mailer.dependencies,
    outboxStats: outboxStatsReader(db),
    /** Tells the outbox worker a message is waiting (the support console's emails). */
    nudgeOutbox: deps.nudgeOutbox,
    close: () => mailer.close(),
  };
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

/** The find-record settings, from identity's configuration. */
export function findRecordSettingsOf(config: IdentityConfig): FindRecordDeps["findRecord"] {
  return {
    accessUrl: config.urls.access,
    // SUPPORT_RESPONSE_TIME (shared settings; development has a demo value).
    responseTime: supportContact(config).responseTime,
    failuresBeforeSupport: config.FIND_RECORD_FAILURES_BEFORE_SUPPORT,
    limitPerIp: config.FIND_RECORD_LIMIT_PER_IP,
    limitPerJourney: config.FIND_RECORD_LIMIT_PER_JOURNEY,
    rateLimitWindowMs: config.RATE_LIMIT_WINDOW,
  };
}
