// What `serve` reads: the shared settings and the settings of each service it starts, and no
// others (`serve --only access` asks nothing of mail or of the other services' clients). The one
// place that knows every service's settings, so it also lists every setting name for the README.
import { ConfigError, loadSharedConfig, sharedSettings, type Env, type ServiceName, type SharedConfig } from "../config/config";
import { configuredClient, type ConfiguredClient } from "../config/internal-clients";
import { accessSettings, loadAccessConfig, type AccessConfig } from "../access/settings";
import { identitySettings, loadIdentityConfig, type IdentityConfig } from "../identity/settings";
import { loadRecordsConfig, recordsSettings, type RecordsConfig } from "../records/settings";

export interface ServiceConfigs {
  identity: IdentityConfig;
  records: RecordsConfig;
  access: AccessConfig;
}

const loaders: { [N in ServiceName]: (env: Env) => ServiceConfigs[N] } = {
  identity: loadIdentityConfig,
  records: loadRecordsConfig,
  access: loadAccessConfig,
};

export interface ServeConfig {
  shared: SharedConfig;
  /** The services to start, in start order. */
  running: ServiceName[];
  /** The configuration of each service in `running`. */
  services: Partial<ServiceConfigs>;
}

/** Reads the shared settings and those of the `running` services; one ConfigError names every problem. */
export function loadServeConfig(env: Env, running: ServiceName[]): ServeConfig {
  const errors: ConfigError[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
      return undefined;
    }
  };
  const shared = attempt(() => loadSharedConfig(env));
  const services: Partial<ServiceConfigs> = {};
  for (const name of running) Object.assign(services, { [name]: attempt(() => loaders[name](env)) });
  if (errors.length > 0) throw ConfigError.combine(errors);
  return { shared: shared!, running, services };
}

/** The client each started service calls the others with, as its settings give it (identity registers them). */
export function configuredClients(config: ServeConfig) {
  return Object.fromEntries(
    config.running.map((name) => [name, configuredClient(config.services[name]!, name)]),
  ) as Partial<Record<ServiceName, ConfiguredClient>>;
}

/** Every environment variable teacher-id reads (README "Configuration" must list each). */
export function settingNames(): string[] {
  const schemas = [sharedSettings, identitySettings, recordsSettings, accessSettings];
  return [...new Set(schemas.flatMap((schema) => Object.keys(schema.shape)))];
}
