// Starts real services in this process, on free ports, with a fresh data directory. They talk to
// each other over real HTTP, exactly as `serve` runs them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serviceNames, type ServiceName, type SharedConfig } from "../../src/config/config";
import { createLogger, type Logger } from "../../src/log/logger";
import { loadServeConfig, type ServiceConfigs } from "../../src/server/configuration";
import { startServices, type RunningSystem } from "../../src/server/serve";
import { freePort } from "./ports";

export interface TestSystem {
  /** The shared settings, with the settings of every started service (a test may read any). */
  config: SharedConfig & Partial<ServiceConfigs["identity"] & ServiceConfigs["records"] & ServiceConfigs["access"]>;
  /** Each started service's own configuration. */
  configs: Partial<ServiceConfigs>;
  urls: Record<ServiceName, string>;
  dataDir: string;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  system: RunningSystem;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  only?: ServiceName[];
  env?: Record<string, string>;
  /** Reuse a data directory (e.g. to restart); a fresh temporary one by default. */
  dataDir?: string;
  /** Reuse ports (e.g. to restart a service at the same address). */
  ports?: Partial<Record<ServiceName, number>>;
}

export function testEnv(options: TestSystemOptions = {}): { env: Record<string, string>; dataDir: string } {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "teacher-id-test-"));
  const ports = {
    identity: options.ports?.identity ?? freePort(),
    records: options.ports?.records ?? freePort(),
    access: options.ports?.access ?? freePort(),
  };
  return {
    dataDir,
    env: {
      DATA_DIR: dataDir,
      IDENTITY_PORT: String(ports.identity),
      RECORDS_PORT: String(ports.records),
      ACCESS_PORT: String(ports.access),
      IDENTITY_URL: `http://127.0.0.1:${ports.identity}`,
      RECORDS_URL: `http://127.0.0.1:${ports.records}`,
      ACCESS_URL: `http://127.0.0.1:${ports.access}`,
      LOG_LEVEL: "debug",
      ...options.env,
    },
  };
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const { env, dataDir } = testEnv(options);
  const serveConfig = loadServeConfig(env, options.only ?? [...serviceNames]);
  const config = Object.assign({}, ...Object.values(serveConfig.services), serveConfig.shared);
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });
  const system = await startServices(serveConfig, logger);
  return {
    config,
    configs: serveConfig.services,
    urls: config.urls,
    dataDir,
    logs,
    system,
    async stop() {
      await system.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
