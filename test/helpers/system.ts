// Starts real services in this process, on free ports, with a fresh data directory. They talk to
// each other over real HTTP, exactly as `serve` runs them. Ports: see ports.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serviceNames, type ServiceName, type SharedConfig } from "../../src/config/config";
import { createLogger, type Logger } from "../../src/log/logger";
import { loadServeConfig, type ServiceConfigs } from "../../src/cli/configuration";
import { startServices, type RunningSystem } from "../../src/cli/serve";
import { freshServicePorts, retryOnPortClash, type ServicePorts } from "./ports";

export interface TestSystem {
  /** The shared settings, with the settings of every started service (a test may read any). */
  config: SharedConfig & Partial<ServiceConfigs["identity"] & ServiceConfigs["records"] & ServiceConfigs["access"]>;
  /** Each started service's own configuration. */
  configs: Partial<ServiceConfigs>;
  urls: Record<ServiceName, string>;
  dataDir: string;
  /** The ports it listens on (give them back to restart at the same addresses). */
  ports: ServicePorts;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  system: RunningSystem;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  only?: ServiceName[];
  env?: Record<string, string>;
  /**
   * Reuse a data directory (e.g. to restart); a fresh temporary one by default. If a port clash
   * makes the start try again, it tries again in this directory: fine unless identity and access
   * start here for the first time (identity would keep access's client with the first try's URL);
   * then call retryOnPortClash yourself with a new directory each time.
   */
  dataDir?: string;
  /** Reuse ports (e.g. to restart a service at the same address); with all three given, no retry. */
  ports?: Partial<ServicePorts>;
}

/** The environment for a start; ports not given are picked fresh, so call it inside retryOnPortClash. */
export function testEnv(options: TestSystemOptions = {}): { env: Record<string, string>; dataDir: string; ports: ServicePorts } {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "teacher-id-test-"));
  const ports = freshServicePorts(options.ports);
  return {
    dataDir,
    ports,
    env: {
      DATA_DIR: dataDir,
      IDENTITY_PORT: String(ports.identity),
      RECORDS_PORT: String(ports.records),
      ACCESS_PORT: String(ports.access),
      IDENTITY_URL: `http://127.0.0.1:${ports.identity}`,
      RECORDS_URL: `http://127.0.0.1:${ports.records}`,
      ACCESS_URL: `http://127.0.0.1:${ports.access}`,
      LOG_LEVEL: "debug",
      // Metrics on a port of the system's choosing (RunningSystem.metricsUrl): nothing to clash with.
      METRICS_PORT: "0",
      // Production requires these; every test system has them, so a production-mode test need not name them.
      SUPPORT_EMAIL: "teacher-id-support@example.com",
      SUPPORT_RESPONSE_TIME: "5 working days",
      ...options.env,
    },
  };
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  const given = options.ports ?? {};
  // With every port given (a restart at the same addresses) there is nothing else to try.
  if (given.identity !== undefined && given.records !== undefined && given.access !== undefined) return startOnce(options);
  return retryOnPortClash(() => startOnce(options));
}

async function startOnce(options: TestSystemOptions): Promise<TestSystem> {
  const { env, dataDir, ports } = testEnv(options);
  const serveConfig = loadServeConfig(env, options.only ?? [...serviceNames]);
  const config = Object.assign({}, ...Object.values(serveConfig.services), serveConfig.shared);
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });
  let system: RunningSystem;
  try {
    system = await startServices(serveConfig, logger);
  } catch (error) {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    config,
    configs: serveConfig.services,
    urls: config.urls,
    dataDir,
    ports,
    logs,
    system,
    async stop() {
      await system.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
