// access (Access your teaching qualifications): where a teacher signs in and downloads their QTS certificate.
import { feedbackUrl, supportContact } from "../config/config";
import { authorizedFetch } from "../auth/authorized-fetch";
import { createClientCredentialsTokenSource } from "../auth/client-credentials";
import { internalClientCredentials } from "../config/internal-clients";
import { createReadiness } from "../metrics/readiness";
import { activeCertificates } from "./certificates/certificate-codes";
import { certificateRoutes } from "./certificates/certificate-routes";
import { checkRoutes } from "./check/check-routes";
import type { BackgroundWorker, ServiceFactory } from "../server/service";
import { createServiceApp } from "../web/create-service-app";
import { uploadPageBodyBackstop } from "../web/request-body";
import type { ServiceBrand } from "../web/layout";
import { originsOf } from "../web/security-headers";
import { changeRequestRoutes, changeRequestUploadPages } from "./change-requests/change-request-routes";
import type { AccessContext } from "./context";
import { openAccessDatabase, type AccessDatabase } from "./db/database";
import { identityProvider } from "./oidc/identity-provider";
import { qualificationsRoutes } from "./qualifications/qualifications-routes";
import { certificateSizes } from "./certificates/certificate-size";
import { registerRoutes } from "./register/register-routes";
import { purgeExpiredSessions } from "./sessions/session";
import { purgeExpiredLoginAttempts } from "./sign-in/login-attempts";
import { signInRoutes } from "./sign-in/sign-in-routes";
import { signOutRoutes } from "./sign-out/sign-out-routes";
import type { AccessConfig } from "./settings";
import { startRoutes } from "./start/start-routes";

export const createAccessService: ServiceFactory<AccessConfig> = async ({ config, logger }) => {
  const log = logger.child({ service: "access" });
  const db = openAccessDatabase(config.DATA_DIR);
  const brand: ServiceBrand = { name: "Access your teaching qualifications", url: config.urls.access, support: supportContact(config), feedbackUrl: feedbackUrl(config, "access") };
  const secure = config.urls.access.startsWith("https://");
  const ctx: AccessContext = {
    config,
    db,
    log,
    brand,
    secure,
    identity: identityProvider(config.urls.identity, log),
    clientCredentials: () => internalClientCredentials(config, "access"),
    callbackUrl: `${config.urls.access}/sign-in/callback`,
    signedOutUrl: `${config.urls.access}/signed-out`,
  };
  // /check/{code} asks records whether an award still stands, as access itself (no teacher signed in).
  const recordsTokens = createClientCredentialsTokenSource({
    tokenUrl: `${config.urls.identity}/token`,
    credentials: () => internalClientCredentials(config, "access"),
    scope: "teachers:read",
  });
  // The sign-out form's answer continues at identity's end-session endpoint.
  const formActionOrigins = originsOf([config.urls.identity]);
  // access sends no mail: ready while its database can be written.
  const readiness = createReadiness({ service: "access", database: db.$client, failureThresholdMs: config.READINESS_FAILURE_THRESHOLD });
  const app = createServiceApp({
    service: "access",
    brand,
    logger: log,
    secure,
    apiPrefixes: [],
    // The change request forms take an evidence file (multipart).
    uploadPages: changeRequestUploadPages(ctx),
    formActionOrigins: () => formActionOrigins,
    healthCheck: () => db.$client.query("SELECT 1").get(),
    readiness,
  })
    .use(startRoutes(ctx))
    .use(registerRoutes(ctx))
    .use(signInRoutes(ctx))
    .use(
      qualificationsRoutes(ctx, {
        downloadedCertificates: (sub) =>
          activeCertificates(db, sub).map((c) => ({
            id: c.id,
            qualificationName: c.qualificationName,
            awardedDate: c.awardedDate,
            downloadedUtc: new Date(c.createdAt).toISOString(),
          })),
        certificateSizes: () => certificateSizes(db),
      }),
    )
    .use(certificateRoutes(ctx))
    .use(checkRoutes(ctx, { fetchWithToken: (url) => authorizedFetch(recordsTokens, url, { headers: { accept: "application/json" }, timeoutMs: 5000 }) }))
    .use(changeRequestRoutes(ctx))
    .use(signOutRoutes(ctx));
  return {
    app,
    workers: [cleanupWorker(db, log)],
    monitoring: { readiness },
    // A file too large for the upload forms still reaches them, to be refused with their own error summary.
    maxRequestBodySize: uploadPageBodyBackstop,
    close: () => db.$client.close(),
  };
};

/** Deletes ended sessions and sign-ins every few minutes so the tables stay small. */
function cleanupWorker(db: AccessDatabase, log: AccessContext["log"]): BackgroundWorker {
  let timer: ReturnType<typeof setInterval> | undefined;
  const run = () => {
    try {
      const attempts = purgeExpiredLoginAttempts(db);
      const sessions = purgeExpiredSessions(db);
      if (attempts || sessions) log.debug("access_cleanup", { login_attempts: attempts, sessions });
    } catch (error) {
      log.error("access_cleanup_failed", { error: error as Error });
    }
  };
  return {
    name: "access-cleanup",
    start() {
      run();
      timer = setInterval(run, 5 * 60 * 1000);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
