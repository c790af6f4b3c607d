// On start, identity registers the OAuth clients the services in this process need to call each
// other (and, in development, a demo awarding client), so `teacher-id serve` works with no setup.
// A secret comes from the service's settings (*_CLIENT_SECRET, required in production); only in
// development may identity make one up and leave it in the provisioned secrets file for the other
// services to read (see src/config/internal-clients.ts for why that file is development-only).
import { actor } from "../events/events";
import type { ServiceName } from "../../config/config";
import {
  internalClients,
  readProvisionedSecrets,
  saveProvisionedSecret,
  type ConfiguredClient,
} from "../../config/internal-clients";
import type { Logger } from "../../log/logger";
import {
  addClientScopes,
  createClient,
  findClient,
  rotateClientSecret,
  secretMatches,
  setClientRateLimit,
  type newClientSchema,
} from "../clients/clients";
import type { IdentityDatabaseFile } from "../db/database";
import type { z } from "zod";
import type { IdentityConfig } from "../settings";

type ClientDefinition = Omit<z.output<typeof newClientSchema>, "clientId" | "idTokenSignedResponseAlg">;

export const demoAwardingClientId = "demo-awarding-service";

/**
 * Requests a minute for the services' own clients: far above what one process serves on two cores
 * (so never what slows a results day: records asks for a trn_token per invitation), yet bounded.
 * Operators registering them by hand in production give the same with --rate-limit.
 */
export const internalClientRateLimit = 1_000_000;

/** What each service's client may do. */
export function internalClientDefinitions(config: Pick<IdentityConfig, "urls">): Record<ServiceName, ClientDefinition> {
  const access = config.urls.access;
  return {
    records: {
      name: "Qualified Teachers API",
      grantTypes: ["client_credentials"],
      // introspect: records asks identity whether a teacher's token has been revoked (/introspect).
      scopes: ["trn_token:write", "introspect"],
      redirectUris: [],
      postLogoutRedirectUris: [],
      rateLimit: internalClientRateLimit,
    },
    identity: {
      name: "Teacher ID",
      grantTypes: ["client_credentials"],
      // teachers:match: "Create an account without a link" asks records' POST /v2/teachers/find.
      scopes: ["teachers:read", "teachers:match"],
      redirectUris: [],
      postLogoutRedirectUris: [],
      rateLimit: internalClientRateLimit,
    },
    access: {
      name: "Access your teaching qualifications",
      // client_credentials + teachers:read: access's public /check/{code} page asks records whether
      // a certificate's award still stands, with no teacher signed in.
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      scopes: ["openid", "email", "phone", "profile", "trn", "dqt:read", "teachers:read"],
      redirectUris: [`${access}/sign-in/callback`],
      postLogoutRedirectUris: [`${access}/signed-out`],
      initiateLoginUri: `${access}/register`,
      // One request per teacher's page view: access's limit is all its teachers' together.
      rateLimit: internalClientRateLimit,
    },
  };
}

/**
 * Creates missing clients for the services running in this process (`running`: each one's client
 * as its settings give it). A secret set there is registered as it is; in development an unset
 * one is made here and kept in the 0600 file in DATA_DIR. Returns lines for the start-up banner;
 * the demo client's secret appears there once, when it is created.
 */
export function provisionClients(
  db: IdentityDatabaseFile,
  config: Pick<IdentityConfig, "ENVIRONMENT" | "DATA_DIR" | "urls">,
  running: Partial<Record<ServiceName, ConfiguredClient>>,
  logger: Logger,
): string[] {
  const definitions = internalClientDefinitions(config);
  for (const [service, { clientId, clientSecret: setSecret }] of Object.entries(running) as [ServiceName, ConfiguredClient][]) {
    const existing = findClient(db, clientId);
    if (!existing) {
      // In production the settings check has required every secret, so none is made up here.
      const { secret } = createClient(db, { clientId, ...definitions[service] }, { secret: setSecret, by: actor.system() });
      if (!setSecret) saveProvisionedSecret(config, service, { clientId, clientSecret: secret });
      logger.info("client_provisioned", { client_id: clientId, for_service: service });
      continue;
    }
    // A client provisioned by an older version gets the grants and scopes this version's services need.
    if (addClientScopes(db, clientId, definitions[service].scopes, definitions[service].grantTypes, { by: actor.system() })) {
      logger.info("client_scopes_added", { client_id: clientId, for_service: service });
    }
    // ... and a rate limit, unless an operator has set one.
    if (existing.rateLimit === null && setClientRateLimit(db, clientId, definitions[service].rateLimit, { by: actor.system() })) {
      logger.info("client_rate_limit_set", { client_id: clientId, for_service: service, rate_limit: definitions[service].rateLimit });
    }
    if (setSecret) {
      if (!secretMatches(existing, setSecret)) {
        logger.warn("client_secret_mismatch", {
          client_id: clientId,
          hint: `${internalClients[service].envPrefix}_CLIENT_SECRET does not match the registered secret; rotate it with 'teacher-id identity clients rotate-secret ${clientId}'`,
        });
      }
      continue;
    }
    // Development: the service in this process reads its secret from the file; if the file lost it, issue a new one.
    const saved = readProvisionedSecrets(config)[service];
    if (!saved || saved.clientId !== clientId || !secretMatches(existing, saved.clientSecret)) {
      const secret = rotateClientSecret(db, clientId, { by: actor.system() })!;
      saveProvisionedSecret(config, service, { clientId, clientSecret: secret });
      logger.warn("client_secret_reprovisioned", { client_id: clientId, for_service: service });
    }
  }
  return config.ENVIRONMENT === "development" ? provisionDemoClient(db, config, logger) : [];
}

function provisionDemoClient(db: IdentityDatabaseFile, config: Pick<IdentityConfig, "urls">, logger: Logger): string[] {
  if (findClient(db, demoAwardingClientId)) {
    return [
      "",
      `Demo awarding client: ${demoAwardingClientId} (its secret was shown when it was created; for a new one run`,
      `  teacher-id identity clients rotate-secret ${demoAwardingClientId})`,
    ];
  }
  const { secret } = createClient(db, {
    clientId: demoAwardingClientId,
    name: "Demo awarding service",
    grantTypes: ["client_credentials"],
    scopes: ["itt_outcome:write"],
    redirectUris: [],
    postLogoutRedirectUris: [],
  }, { by: actor.system() });
  logger.info("client_provisioned", { client_id: demoAwardingClientId });
  return [
    "",
    "Demo awarding client (shown once; keep the secret now):",
    `  client_id:     ${demoAwardingClientId}`,
    `  client_secret: ${secret}`,
    "  Get an access token:",
    `    curl -s -u '${demoAwardingClientId}:${secret}' -d grant_type=client_credentials -d scope=itt_outcome:write ${config.urls.identity}/token`,
  ];
}
