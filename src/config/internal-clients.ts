// The OAuth clients the services use to call each other. In the all-in-one `serve`, identity
// provisions them on an empty data directory and keeps their secrets in a 0600 file in DATA_DIR
// (as an operator would keep them in the environment); when a service runs alone, its credentials
// come from the environment (e.g. RECORDS_CLIENT_ID / RECORDS_CLIENT_SECRET) instead.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config, ServiceName } from "./config";

export interface InternalClient {
  /** Default client_id when provisioned by `serve`. */
  clientId: string;
  envPrefix: "RECORDS" | "IDENTITY" | "ACCESS";
}

/** Which client each service uses when it calls another. */
export const internalClients: Record<ServiceName, InternalClient> = {
  /** records -> identity POST /trn-tokens (scope trn_token:write). */
  records: { clientId: "records-service", envPrefix: "RECORDS" },
  /** identity -> records GET /v2/teachers/{trn} (scope teachers:read). */
  identity: { clientId: "identity-service", envPrefix: "IDENTITY" },
  /** access -> identity as an authorization-code client (openid email profile trn dqt:read). */
  access: { clientId: "access-service", envPrefix: "ACCESS" },
};

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

const secretsFile = (dataDir: string) => join(dataDir, "internal-client-secrets.json");

/** The credentials `service` uses: from the environment if set, else provisioned by `serve`. */
export function internalClientCredentials(config: Config, service: ServiceName): ClientCredentials {
  const { envPrefix, clientId } = internalClients[service];
  const fromEnvId = config[`${envPrefix}_CLIENT_ID`];
  const fromEnvSecret = config[`${envPrefix}_CLIENT_SECRET`];
  if (fromEnvSecret) return { clientId: fromEnvId ?? clientId, clientSecret: fromEnvSecret };
  const saved = readProvisionedSecrets(config.DATA_DIR)[service];
  if (saved) return saved;
  throw new Error(
    `${service} has no client credentials: set ${envPrefix}_CLIENT_ID and ${envPrefix}_CLIENT_SECRET, ` +
      `or run the all-in-one 'teacher-id serve' once so identity provisions them`,
  );
}

export function readProvisionedSecrets(dataDir: string): Partial<Record<ServiceName, ClientCredentials>> {
  const file = secretsFile(dataDir);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
}

/** Called by identity's provisioning; the file is readable by the service user only. */
export function saveProvisionedSecret(dataDir: string, service: ServiceName, credentials: ClientCredentials): void {
  const all = { ...readProvisionedSecrets(dataDir), [service]: credentials };
  const file = secretsFile(dataDir);
  writeFileSync(file, JSON.stringify(all, null, 2) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
}
