// On start, identity registers the OAuth clients the services in this process need to call each
// other (and, in development, a demo awarding client), so `teacher-id serve` works with no setup.
import type { Config, ServiceName } from "../../config/config";
import { internalClients, readProvisionedSecrets, saveProvisionedSecret } from "../../config/internal-clients";
import type { Logger } from "../../log/logger";
import { addClientScopes, createClient, findClient, rotateClientSecret, secretMatches, type newClientSchema } from "../clients/clients";
import type { IdentityDatabase } from "../db/database";
import type { z } from "zod";

type ClientDefinition = Omit<z.output<typeof newClientSchema>, "clientId" | "idTokenSignedResponseAlg">;

export const demoAwardingClientId = "demo-awarding-service";

/** What each service's client may do. */
export function internalClientDefinitions(config: Config): Record<ServiceName, ClientDefinition> {
  const access = config.urls.access;
  return {
    records: {
      name: "Qualified Teachers API",
      grantTypes: ["client_credentials"],
      // introspect: records asks identity whether a teacher's token has been revoked (/introspect).
      scopes: ["trn_token:write", "introspect"],
      redirectUris: [],
      postLogoutRedirectUris: [],
    },
    identity: {
      name: "Teacher ID",
      grantTypes: ["client_credentials"],
      scopes: ["teachers:read"],
      redirectUris: [],
      postLogoutRedirectUris: [],
    },
    access: {
      name: "Access your teaching qualifications",
      grantTypes: ["authorization_code", "refresh_token"],
      scopes: ["openid", "email", "phone", "profile", "trn", "dqt:read"],
      redirectUris: [`${access}/sign-in/callback`],
      postLogoutRedirectUris: [`${access}/signed-out`],
      initiateLoginUri: `${access}/register`,
    },
  };
}

/**
 * Creates missing clients for the services running in this process. Their secrets go to the
 * 0600 file in DATA_DIR (or come from the environment when the operator set one). Returns lines
 * for the start-up banner; the demo client's secret appears there once, when it is created.
 */
export function provisionClients(db: IdentityDatabase, config: Config, running: ServiceName[], logger: Logger): string[] {
  const definitions = internalClientDefinitions(config);
  for (const service of running) {
    const { clientId: defaultId, envPrefix } = internalClients[service];
    const clientId = config[`${envPrefix}_CLIENT_ID`] ?? defaultId;
    const envSecret = config[`${envPrefix}_CLIENT_SECRET`];
    const existing = findClient(db, clientId);
    if (!existing) {
      const { secret } = createClient(db, { clientId, ...definitions[service] }, { secret: envSecret });
      if (!envSecret) saveProvisionedSecret(config.DATA_DIR, service, { clientId, clientSecret: secret });
      logger.info("client_provisioned", { client_id: clientId, for_service: service });
      continue;
    }
    // A client provisioned by an older version gets the scopes this version's services need.
    if (addClientScopes(db, clientId, definitions[service].scopes)) {
      logger.info("client_scopes_added", { client_id: clientId, for_service: service });
    }
    if (envSecret) {
      if (!secretMatches(existing, envSecret)) {
        logger.warn("client_secret_mismatch", {
          client_id: clientId,
          hint: `${envPrefix}_CLIENT_SECRET does not match the registered secret; rotate it with 'teacher-id identity clients rotate-secret ${clientId}'`,
        });
      }
      continue;
    }
    // The service in this process reads its secret from the file; if the file lost it, issue a new one.
    const saved = readProvisionedSecrets(config.DATA_DIR)[service];
    if (!saved || saved.clientId !== clientId || !secretMatches(existing, saved.clientSecret)) {
      const secret = rotateClientSecret(db, clientId)!;
      saveProvisionedSecret(config.DATA_DIR, service, { clientId, clientSecret: secret });
      logger.warn("client_secret_reprovisioned", { client_id: clientId, for_service: service });
    }
  }
  return config.ENVIRONMENT === "development" ? provisionDemoClient(db, config, logger) : [];
}

function provisionDemoClient(db: IdentityDatabase, config: Config, logger: Logger): string[] {
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
  });
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
