// The OAuth clients the services use to call each other. Each service reads its own client's
// credentials from its settings (e.g. RECORDS_CLIENT_ID / RECORDS_CLIENT_SECRET); production
// requires them there.
//
// The provisioned secrets file (DATA_DIR/internal-client-secrets.json) is a development-only
// convenience of the all-in-one `serve`: identity registers the clients on an empty data directory
// and leaves their secrets in that 0600 file, so a newcomer's `teacher-id serve` works with no
// setup. It is refused when ENVIRONMENT=production: there a secret must be an operator's
// deliberate setting, not a file that appears beside the databases, is copied into backups and
// silently replaced when it goes missing.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { requireInProduction, type Environment, type ServiceName } from "./config";
import { optionalString } from "./env-schema";

type EnvPrefix = "RECORDS" | "IDENTITY" | "ACCESS";

export interface InternalClient {
  /** client_id when its setting is unset (development). */
  clientId: string;
  envPrefix: EnvPrefix;
}

/** Which client each service uses when it calls another. */
export const internalClients: Record<ServiceName, InternalClient> = {
  /** records -> identity POST /trn-tokens (scope trn_token:write). */
  records: { clientId: "records-service", envPrefix: "RECORDS" },
  /** identity -> records GET /v2/teachers/{trn} (scope teachers:read) and POST /v2/teachers/find (scope teachers:match). */
  identity: { clientId: "identity-service", envPrefix: "IDENTITY" },
  /** access -> identity as an authorization-code client (openid email profile trn dqt:read). */
  access: { clientId: "access-service", envPrefix: "ACCESS" },
};

/** Where identity delivers its events to records (Standard Webhooks), and which ones records consumes. */
export const recordsWebhook = {
  path: "/webhooks/identity",
  events: ["UserRegistered", "TrnBound", "TrnRemoved", "UserUpdated", "UserMerged", "UserDeleted"],
} as const;

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

type ClientSettingName<P extends EnvPrefix> = `${P}_CLIENT_ID` | `${P}_CLIENT_SECRET`;
type ClientSettings<P extends EnvPrefix> = { [K in ClientSettingName<P>]?: string };

/** A service's own client settings, e.g. RECORDS_CLIENT_ID and RECORDS_CLIENT_SECRET for records. */
export function internalClientSettings<P extends EnvPrefix>(prefix: P) {
  return z.object({ [`${prefix}_CLIENT_ID`]: optionalString(), [`${prefix}_CLIENT_SECRET`]: optionalString() } as Record<
    ClientSettingName<P>,
    ReturnType<typeof optionalString>
  >);
}

/** Production rule for a service's client settings: both are required (no provisioned file there). */
export function checkInternalClientSettings(prefix: EnvPrefix) {
  return (settings: { ENVIRONMENT: Environment } & ClientSettings<EnvPrefix>, ctx: z.RefinementCtx) =>
    requireInProduction(
      settings,
      ctx,
      [`${prefix}_CLIENT_ID`, `${prefix}_CLIENT_SECRET`],
      "the provisioned secrets file is for development only",
    );
}

/** What reading a service's credentials needs: the environment, DATA_DIR and that service's client settings. */
export type InternalClientConfig = { ENVIRONMENT: Environment; DATA_DIR: string } & ClientSettings<EnvPrefix>;

/** A service's client as its settings give it: the secret is unset in development when `serve` provisions it. */
export interface ConfiguredClient {
  clientId: string;
  clientSecret?: string;
}

export function configuredClient(config: InternalClientConfig, service: ServiceName): ConfiguredClient {
  const { envPrefix, clientId } = internalClients[service];
  return { clientId: config[`${envPrefix}_CLIENT_ID`] ?? clientId, clientSecret: config[`${envPrefix}_CLIENT_SECRET`] };
}

/** The credentials `service` uses: from its settings, or (development only) as `serve` provisioned them. */
export function internalClientCredentials(config: InternalClientConfig, service: ServiceName): ClientCredentials {
  const { clientId, clientSecret } = configuredClient(config, service);
  if (clientSecret) return { clientId, clientSecret };
  const { envPrefix } = internalClients[service];
  if (config.ENVIRONMENT === "production") {
    // The settings check requires them in production; this is a second lock on the same door.
    throw new Error(`${service} has no client credentials: set ${envPrefix}_CLIENT_ID and ${envPrefix}_CLIENT_SECRET`);
  }
  const saved = readProvisionedSecrets(config)[service];
  if (saved) return saved;
  throw new Error(
    `${service} has no client credentials: set ${envPrefix}_CLIENT_ID and ${envPrefix}_CLIENT_SECRET, ` +
      `or run the all-in-one 'teacher-id serve' once so identity provisions them`,
  );
}

export const provisionedSecretsFileName = "internal-client-secrets.json";
const secretsFile = (dataDir: string) => join(dataDir, provisionedSecretsFileName);

type SecretsFileAccess = { ENVIRONMENT: Environment; DATA_DIR: string };

function refuseInProduction(config: SecretsFileAccess): void {
  if (config.ENVIRONMENT === "production") {
    throw new Error(
      `${provisionedSecretsFileName} is for development only: in production set each service's *_CLIENT_ID and *_CLIENT_SECRET`,
    );
  }
}

/** What the file holds: each service's client, and the secret identity signs records' webhooks with. */
type ProvisionedSecrets = Partial<Record<ServiceName, ClientCredentials>> & { identityWebhookSecret?: string };

/** Development only: the secrets the all-in-one `serve` provisioned. */
export function readProvisionedSecrets(config: SecretsFileAccess): ProvisionedSecrets {
  refuseInProduction(config);
  const file = secretsFile(config.DATA_DIR);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
}

/** Development only: called by identity's provisioning; the file is readable by the service user only. */
export function saveProvisionedSecret(config: SecretsFileAccess, service: ServiceName, credentials: ClientCredentials): void {
  writeProvisionedSecrets(config, { ...readProvisionedSecrets(config), [service]: credentials });
}

/**
 * Development only: the secret of records' subscription to identity's webhooks (POST
 * /webhooks/identity), provisioned by identity; records reads it when IDENTITY_WEBHOOK_SECRET is unset.
 */
export function saveProvisionedWebhookSecret(config: SecretsFileAccess, secret: string): void {
  writeProvisionedSecrets(config, { ...readProvisionedSecrets(config), identityWebhookSecret: secret });
}

function writeProvisionedSecrets(config: SecretsFileAccess, all: ProvisionedSecrets): void {
  const file = secretsFile(config.DATA_DIR);
  writeFileSync(file, JSON.stringify(all, null, 2) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
}
