// identity (Teacher ID): accounts, TRN tokens, the OpenID Connect provider and its pages.
import { feedbackUrl, supportContact } from "../config/config";
import { createApiRateLimiter } from "../api-rate-limit/api-rate-limiter";
import type { BearerApiDoor } from "../api-rate-limit/bearer-api";
import { createClientCredentialsTokenSource } from "../auth/client-credentials";
import { createAccessTokenVerifier } from "../auth/verify-access-token";
import { createReadiness } from "../metrics/readiness";
import { configuredClient, internalClientCredentials } from "../config/internal-clients";
import { openApiRoutes } from "../openapi/openapi-routes";
import { createServiceApp } from "../web/create-service-app";
import { htmlResponse } from "../web/html";
import type { ServiceBrand } from "../web/layout";
import { TeacherIdStartPage } from "./start-page";
import { feedbackRoutes } from "./feedback/feedback-routes";
import type { ServiceFactory } from "../server/service";
import { clientRedirectOrigins } from "./clients/redirect-origins";
import type { ServiceName } from "../config/config";
import type { ConfiguredClient } from "../config/internal-clients";
import type { IdentityConfig } from "./settings";
import { openIdentityDatabase } from "./db/database";
import { signingKeyPassphrase, unlockKeyVault } from "./keys/key-vault";
import { openSigningKeyStore } from "./keys/signing-keys";
import { useSecurityCodeKey } from "./security-codes/security-codes";
import { registerIssuer } from "./oidc/authorize";
import { createProtocolCleanupWorker } from "./oidc/cleanup";
import { oidcSettings, type OidcContext } from "./oidc/context";
import { oidcRoutes } from "./oidc/routes";
import { provisionClients } from "./provisioning/provision-clients";
import { provisionRecordsWebhook } from "./provisioning/provision-records-webhook";
import { trnTokenRoutes } from "./trn-tokens/routes";
import { createJourneys } from "./journeys";
import { identityApiDocument } from "./openapi";
import { createTeacherLookup } from "./register/records-client";
import { usersApiRoutes } from "./users-api/users-api-routes";
import { adminRoutes } from "./admin/admin-routes";
import { staffResolver } from "./admin/staff-guard";
import { createRecordsSupportClient } from "./support/records-support-client";
import { supportConsole } from "./support/support-console";
import type { AdminDeps } from "./admin/admin-deps";
import { allowedIps } from "../web/allowed-ips";
import { actor } from "./events/events";
import { rotateSigningKeys } from "./keys/signing-keys";

export const identityApiPrefixes = ["/.well-known", "/token", "/userinfo", "/trn-tokens", "/revoke", "/introspect", "/jwks", "/api/v1"];

export interface IdentityServiceExtras {
  /** The client each service in this process calls the others with, from its settings: identity registers them. */
  internalClients: Partial<Record<ServiceName, ConfiguredClient>>;
}

export const createIdentityService: ServiceFactory<IdentityConfig, IdentityServiceExtras> = async ({ config, logger, internalClients }) => {
  const log = logger.child({ service: "identity" });
  const passphrase = signingKeyPassphrase(config);
  const db = openIdentityDatabase(config.DATA_DIR);
  const brand: ServiceBrand = { name: "Teacher ID", url: config.urls.identity, support: supportContact(config), feedbackUrl: feedbackUrl(config, "identity") };
  // A wrong SIGNING_KEY_PASSPHRASE stops start-up here (a ConfigError: exit 78).
  const vault = await unlockKeyVault(db, passphrase).catch((error) => {
    db.$client.close();
    throw error;
  });
  useSecurityCodeKey(db, vault.securityCodeKey);
  const keys = await openSigningKeyStore(db, vault, log);
  const settings = oidcSettings(config);
  const oidc: OidcContext = {
    ...settings,
    db,
    keys,
    accessTokens: createAccessTokenVerifier({ issuer: settings.issuer, audience: settings.issuer, keys: keys.verificationKey }),
    // Per client: its registered limit (at /token, /revoke, /introspect) or its token's rate_limit
    // claim (bearer APIs), else API_RATE_LIMIT.
    apiLimits: createApiRateLimiter({ defaultLimit: config.API_RATE_LIMIT, failedAuthLimitPerIp: config.API_FAILED_AUTH_LIMIT_PER_IP, logger: log }),
    brand,
    logger: log,
  };
  const door: BearerApiDoor = { verifier: oidc.accessTokens, limiter: oidc.apiLimits, trustProxy: settings.trustProxy };
  // The Users API checks a TRN with records before binding it (identity's client, scope teachers:read).
  const findTeacher = createTeacherLookup({
    recordsUrl: config.urls.records,
    tokens: createClientCredentialsTokenSource({
      tokenUrl: `${config.urls.identity}/token`,
      credentials: () => internalClientCredentials(config, "identity"),
      scope: "teachers:read",
    }),
    logger: log,
  });
  registerIssuer(db, settings.issuer);
  const announce = provisionClients(db, config, internalClients, log);
  // records (in this process) learns which account holds which TRN from identity's events.
  if (internalClients.records) provisionRecordsWebhook(db, vault.webhookSecretKey, config, log);
  // Sign-in and registration pages (/interaction, /sign-in, /register) and identity's outbox worker.
  const journeys = createJourneys({ config, logger: log, db, brand, webhookSecretKey: vault.webhookSecretKey });
  const readiness = createReadiness({
    service: "identity",
    database: db.$client,
    dependencies: journeys.mailDependencies,
    failureThresholdMs: config.READINESS_FAILURE_THRESHOLD,
  });
  const adminDeps: AdminDeps = {
    db,
    config,
    logger: log,
    brand,
    secure: settings.secure,
    allowedIps: allowedIps(config.ADMIN_ALLOWED_IPS),
    vault,
    rotateSigningKeys: (staffId, reason) =>
      rotateSigningKeys(db, vault, { keepPublishedMs: Math.max(config.ACCESS_TOKEN_TTL, config.ID_TOKEN_TTL) + 5 * 60_000, by: actor.staff(staffId), reason }),
    nudgeOutbox: journeys.nudgeOutbox,
    now: Date.now,
  };
  // The support operations (src/identity/support/): records' support API with identity's own client.
  const supportTokens = createClientCredentialsTokenSource({
    tokenUrl: `${config.urls.identity}/token`,
    credentials: () => internalClientCredentials(config, "identity"),
    scope: "teachers:read support:read support:write",
  });
  const support = supportConsole(
    {
      db,
      brand,
      logger: log,
      findTeacher,
      records: createRecordsSupportClient({ recordsUrl: config.urls.records, tokens: supportTokens, logger: log }),
      newLink: {
        registerUrl: `${config.urls.access}/register`,
        clientId: configuredClient(config, "access").clientId,
        ttlMs: config.TRN_TOKEN_TTL,
        perStaffPerHour: 20,
        perAddressPerHour: 3,
      },
      postsPerMinute: 30,
      onEmailEnqueued: journeys.nudgeOutbox,
    },
    journeys.support,
    staffResolver(adminDeps),
  );
  const app = createServiceApp({
    service: "identity",
    brand,
    logger: log,
    secure: settings.secure,
    apiPrefixes: identityApiPrefixes,
    // Each of these takes a few short parameters.
    bodyLimits: {
      "/token": 16 * 1024,
      "/revoke": 16 * 1024,
      "/userinfo": 16 * 1024,
      "/trn-tokens": 16 * 1024,
      "/introspect": 16 * 1024,
      "/api/v1": 16 * 1024,
    },
    // The OAuth endpoints read their form themselves (readForm: repeated parameters are refused).
    rawBodyPaths: ["/token", "/revoke", "/introspect"],
    formActionOrigins: clientRedirectOrigins(db),
    healthCheck: () => db.$client.query("SELECT 1").get(),
    readiness,
  })
    .use(oidcRoutes(oidc))
    .use(trnTokenRoutes({ db, door, trnTokenTtlMs: settings.trnTokenTtlMs }))
    .use(
      usersApiRoutes({
        db,
        door,
        teacherExists: async (trn) => {
          const found = await findTeacher(trn);
          return found.status;
        },
        logger: log,
      }),
    )
    .use(openApiRoutes({ document: () => identityApiDocument(config.urls), brand, defaultRateLimit: config.API_RATE_LIMIT }))
    .use(journeys.routes)
    // The support console (/admin), with support's operations mounted behind its guard (the
    // resolver staffResolver(adminDeps); ADMIN_ALLOWED_IPS and no-store from adminRoutes) and their
    // panels on the teacher page.
    .use(adminRoutes(adminDeps, [support.routes], { teacherPanels: support.teacherPanels }))
    .use(feedbackRoutes({ db, brand, trustProxy: config.TRUST_PROXY }))
    .get("/", () => htmlResponse(<TeacherIdStartPage brand={brand} accessUrl={config.urls.access} />));
  return {
    app,
    workers: [
      ...journeys.workers,
      createProtocolCleanupWorker(db, { ...settings, logger: log }),
      // A first start's RS256 key (RSA-2048, 25-150 ms of a core) is made once every service
      // listens, so it does not slow start-up; shutdown lets it be stored before the database closes.
      { name: "signing-key-generation", start: () => keys.generateMissing(), stop: () => keys.settled() },
    ],
    announce,
    monitoring: { readiness, outbox: journeys.outboxStats },
    close: () => {
      journeys.close();
      db.$client.close();
    },
  };
};
