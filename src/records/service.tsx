// records (the Qualified Teachers API): teacher records, ITT outcomes and QTS, invitation emails.
import { feedbackUrl, supportContact } from "../config/config";
import { existsSync } from "node:fs";
import { createApiRateLimiter } from "../api-rate-limit/api-rate-limiter";
import type { BearerApiDoor } from "../api-rate-limit/bearer-api";
import { createClientCredentialsTokenSource } from "../auth/client-credentials";
import { createTokenIntrospector } from "../auth/token-introspection";
import { createAccessTokenVerifier } from "../auth/verify-access-token";
import { internalClientCredentials } from "../config/internal-clients";
import { openDevMailbox } from "../mail/dev-mailbox";
import { createMailer, mailHandlers } from "../mail/mailer";
import { createReadiness } from "../metrics/readiness";
import { outboxStatsReader } from "../outbox/outbox-stats";
import { openApiRoutes } from "../openapi/openapi-routes";
import { createOutboxWorker, outboxTimingFromConfig } from "../outbox/worker";
import { createServiceApp } from "../web/create-service-app";
import { largestBodyLimit } from "../web/request-body";
import { htmlResponse } from "../web/html";
import type { ServiceBrand } from "../web/layout";
import type { ServiceFactory } from "../server/service";
import { openRecordsDatabase, recordsDatabaseFile } from "./db/database";
import { demoTeacher, demoTeachersLoaded, loadDemoTeachers } from "./demo/demo-teachers";
import { devMailboxRoutes } from "./dev-mailbox/dev-mailbox-routes";
import { createAwardInvitationHandler } from "./invitations/award-invitation-handler";
import { preferredNameForTrn } from "./identity-events/teacher-id-accounts";
import { invitationKinds } from "./invitations/award-invitation";
import { awardRoutes } from "./awards/award-routes";
import { identityEventRoutes, identityWebhookPath, identityWebhookSecret } from "./identity-events/identity-event-routes";
import { createWebhookDeliveryPruner } from "./identity-events/teacher-id-accounts";
import { ittOutcomeRoutes } from "./itt-outcome/itt-outcome-routes";
import { recordsApiDocument } from "./openapi";
import type { RecordsConfig } from "./settings";
import { RecordsStartPage } from "./start-page";
import { changeRequestRoutes } from "./change-requests/change-request-routes";
import { teacherRoutes } from "./teachers/teacher-routes";
import { supportRoutes } from "./support/support-routes";
import { findRoutes } from "./matching/find-routes";

export const createRecordsService: ServiceFactory<RecordsConfig> = async ({ config, logger }) => {
  const log = logger.child({ service: "records" });
  const freshInstall = !existsSync(recordsDatabaseFile(config.DATA_DIR));
  const db = openRecordsDatabase(config.DATA_DIR);
  if (freshInstall && config.ENVIRONMENT === "development") {
    log.info("demo_teachers_loaded", { teachers: loadDemoTeachers(db) });
  }
  // records sends email only. In development its /dev/mailbox page shows what every service stored
  // in the shared dev mailbox (identity's codes too, which records' settings cannot know about);
  // production has no dev mailbox and no page.
  const mailer = createMailer(config, log, { sms: false });
  const pageMailbox =
    mailer.devMailbox ?? (config.ENVIRONMENT === "development" ? openDevMailbox(config.DATA_DIR, config.ENVIRONMENT) : undefined);
  const tokens = createClientCredentialsTokenSource({
    tokenUrl: `${config.urls.identity}/token`,
    // Read when a token is needed: in `serve`, identity provisions these after records may have started.
    credentials: () => internalClientCredentials(config, "records"),
    scope: "trn_token:write",
  });
  const invitationHandler = createAwardInvitationHandler({
    identityUrl: config.urls.identity,
    accessUrl: config.urls.access,
    tokens,
    sendEmail: mailer.sendEmail,
    logger: log,
    preferredNameFor: (trn) => preferredNameForTrn(db, trn),
  });
  const worker = createOutboxWorker({
    name: "records-outbox",
    db,
    logger: log,
    timing: outboxTimingFromConfig(config),
    handlers: {
      email: mailHandlers(mailer, log).email,
      // One handler for every award's invitation: the payload says which award it is.
      ...Object.fromEntries(Object.values(invitationKinds).map((kind) => [kind, invitationHandler])),
    },
  });
  const verifier = createAccessTokenVerifier({
    issuer: config.urls.identity,
    jwksUrl: `${config.urls.identity}/.well-known/jwks.json`,
    audience: config.urls.records,
    // A teacher's token (GET /v3/teacher) is refused within seconds once identity revokes its grant.
    revocation: createTokenIntrospector({
      introspectionUrl: `${config.urls.identity}/introspect`,
      credentials: () => internalClientCredentials(config, "records"),
      cacheTtlMs: config.INTROSPECTION_CACHE_TTL,
      logger: log,
    }),
  });
  // Per client: the token's rate_limit claim (the client's registered limit), else API_RATE_LIMIT.
  const door: BearerApiDoor = {
    verifier,
    limiter: createApiRateLimiter({ defaultLimit: config.API_RATE_LIMIT, failedAuthLimitPerIp: config.API_FAILED_AUTH_LIMIT_PER_IP, logger: log }),
    trustProxy: config.TRUST_PROXY,
  };
  const brand: ServiceBrand = { name: "Qualified Teachers API", url: config.urls.records, support: supportContact(config), feedbackUrl: feedbackUrl(config, "records") };
  const readiness = createReadiness({
    service: "records",
    database: db.$client,
    dependencies: mailer.dependencies,
    failureThresholdMs: config.READINESS_FAILURE_THRESHOLD,
  });
  const app = createServiceApp({
    service: "records",
    brand,
    logger: log,
    secure: config.urls.records.startsWith("https://"),
    // /dev/mailbox.json is JSON for scripts (development only): its errors are problem+json.
    // /webhooks: identity's signed events (a server calling, so no CSRF; errors are problem+json).
    apiPrefixes: ["/v2", "/v3", "/webhooks", "/dev/mailbox.json"],
    // An ITT outcome is three short fields; a change request carries one evidence file.
    bodyLimits: {
      "/v2/teachers": 16 * 1024,
      // One event: an account's sub, email, names and TRN.
      [identityWebhookPath]: 64 * 1024,
      "/v3/teacher/name-changes": largestBodyLimit,
      "/v3/teacher/date-of-birth-changes": largestBodyLimit,
    },
    // The signature is checked over the raw body, which the route reads itself.
    rawBodyPaths: [identityWebhookPath],
    healthCheck: () => db.$client.query("SELECT 1").get(),
    readiness,
  })
    .get("/", () =>
      htmlResponse(<RecordsStartPage brand={brand} identityUrl={config.urls.identity} devMailbox={pageMailbox !== undefined} />),
    )
    .use(ittOutcomeRoutes({ db, door, logger: log, onInvitationEnqueued: () => worker.nudge() }))
    .use(awardRoutes({ db, door, logger: log, onInvitationEnqueued: () => worker.nudge() }))
    .use(teacherRoutes({ db, door, logger: log }))
    .use(
      findRoutes({
        db,
        door,
        matchLimiter: createApiRateLimiter({ defaultLimit: config.TEACHER_MATCH_RATE_LIMIT, failedAuthLimitPerIp: config.API_FAILED_AUTH_LIMIT_PER_IP, logger: log }),
        logger: log,
      }),
    )
    .use(identityEventRoutes({ db, secret: () => identityWebhookSecret(config), logger: log }))
    .use(changeRequestRoutes({ db, door, accessUrl: config.urls.access, logger: log, onEmailEnqueued: () => worker.nudge() }))
    .use(supportRoutes({ db, door, accessUrl: config.urls.access, logger: log, onEmailEnqueued: () => worker.nudge() }))
    .use(openApiRoutes({ document: () => recordsApiDocument(config.urls), brand, defaultRateLimit: config.API_RATE_LIMIT }))
    .use(devMailboxRoutes({ mailbox: pageMailbox, brand }));
  const announce: string[] = [];
  if (pageMailbox) {
    announce.push(`  Sent email and text messages (dev mailbox): ${config.urls.records}/dev/mailbox`);
  }
  if (config.ENVIRONMENT === "development" && demoTeachersLoaded(db)) {
    // Today in UTC is never after today in the UK, so the API accepts it; and unlike todayInUk()
    // it needs no Intl formatter at start-up.
    const body = JSON.stringify({ ittProviderUkprn: demoTeacher.ukprn, outcome: "Pass", assessmentDate: new Date().toISOString().slice(0, 10) });
    announce.push(
      `  Demo teacher in training: TRN ${demoTeacher.trn}, born ${demoTeacher.birthdate} (${demoTeacher.name}, ITT provider UKPRN ${demoTeacher.ukprn})`,
      `  Record their pass (TOKEN from the token curl) and the invitation email goes out:`,
      `    curl -s -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '${body}' '${config.urls.records}/v2/teachers/${demoTeacher.trn}/itt-outcome?birthdate=${demoTeacher.birthdate}'`,
    );
  }
  return {
    app,
    workers: [worker, createWebhookDeliveryPruner({ db, logger: log })],
    announce,
    monitoring: { readiness, outbox: outboxStatsReader(db) },
    close: () => {
      mailer.close();
      if (pageMailbox !== mailer.devMailbox) pageMailbox?.close();
      db.$client.close();
    },
  };
};
