// Starts the chosen services, each on its own port, with their background workers, and stops
// them gracefully: no new requests, in-flight ones finish, workers finish their iteration, then
// the databases close.
import type { Server } from "bun";
import type { AnyElysia } from "elysia";
import type { ServiceName } from "../config/config";
import type { Logger } from "../log/logger";
import { createAccessService } from "../access/service";
import { createIdentityService } from "../identity/service";
import { startMetricsServer, type MetricsServer } from "../metrics/metrics-server";
import { createRecordsService } from "../records/service";
import { bunBodyLimit } from "../web/request-body";
import { configuredClients, type ServeConfig } from "./configuration";
import type { ServiceInstance } from "../server/service";

/** Each service gets its own configuration only. */
function createService(name: ServiceName, config: ServeConfig, logger: Logger): Promise<ServiceInstance> {
  const { running, services } = config;
  switch (name) {
    case "identity":
      return createIdentityService({ config: services.identity!, logger, running, internalClients: configuredClients(config) });
    case "records":
      return createRecordsService({ config: services.records!, logger, running });
    case "access":
      return createAccessService({ config: services.access!, logger, running });
  }
}

export interface RunningSystem {
  /** The address each started service listens on (port 0 in config becomes a real port here). */
  listening: Partial<Record<ServiceName, string>>;
  /** Where Prometheus scrapes every started service's metrics (METRICS_PORT). */
  metricsUrl: string;
  announce: string[];
  /** Each started service's app, e.g. to read its routes (servedRoutes in src/web/create-service-app.tsx). */
  apps: Partial<Record<ServiceName, AnyElysia>>;
  stop(): Promise<void>;
}

export async function startServices(config: ServeConfig, logger: Logger): Promise<RunningSystem> {
  const { shared } = config;
  const started: { name: ServiceName; instance: ServiceInstance; server: Server<unknown> }[] = [];
  const listening: RunningSystem["listening"] = {};
  const announce: string[] = [];
  let metrics: MetricsServer | undefined;
  // All created at once: while identity waits for its key derivation (scrypt, on the thread pool),
  // the others are built. Each listens once all are made, in order.
  const creating = config.running.map((name) => createService(name, config, logger));
  const created = await Promise.allSettled(creating);
  const failed = created.find((result) => result.status === "rejected");
  if (failed) {
    for (const result of created) if (result.status === "fulfilled") result.value.close();
    throw failed.reason;
  }
  const instances = created.map((result) => (result as PromiseFulfilledResult<ServiceInstance>).value);
  try {
    for (const [index, name] of config.running.entries()) {
      const instance = instances[index];
      // Bodies are limited per route by the web layer (src/web/request-body.ts); Bun's own cap is
      // only a backstop, just above the largest route limit, in place of its 128 MiB default.
      const maxRequestBodySize = instance.maxRequestBodySize ?? bunBodyLimit;
      instance.app.listen({ hostname: shared.BIND_HOST, port: shared.ports[name], maxRequestBodySize });
      const server = instance.app.server as Server<unknown>;
      started.push({ name, instance, server });
      listening[name] = `http://${shared.BIND_HOST}:${server.port}`;
      announce.push(...(instance.announce ?? []));
      logger.info("service_started", { service: name, listen: listening[name], url: shared.urls[name] });
    }
    // One metrics endpoint for the process, on its own port: never on the public ones.
    metrics = startMetricsServer({
      host: shared.METRICS_BIND_HOST,
      port: shared.METRICS_PORT,
      token: shared.METRICS_TOKEN,
      services: started.map(({ name, instance }) => ({ service: name, monitoring: instance.monitoring })),
      logger,
    });
    logger.info("metrics_started", { url: metrics.url });
    for (const { instance } of started) for (const worker of instance.workers) worker.start();
  } catch (error) {
    await metrics?.stop();
    await stopAll(started, logger);
    // Made but never listening (a later port was taken): their databases close too.
    for (const instance of instances.slice(started.length)) instance.close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const apps = Object.fromEntries(started.map(({ name, instance }) => [name, instance.app]));
  const stop = async () => {
    await metrics!.stop();
    await stopAll(started, logger);
  };
  return { listening, metricsUrl: metrics.url, announce, apps, stop: () => (stopping ??= stop()) };
}

async function stopAll(
  started: { name: ServiceName; instance: ServiceInstance; server: Server<unknown> }[],
  logger: Logger,
): Promise<void> {
  // Stop accepting and let in-flight requests finish; workers finish their current message.
  await Promise.all(started.map(({ server }) => server.stop(false)));
  await Promise.all(started.flatMap(({ instance }) => instance.workers.map((w) => w.stop())));
  for (const { name, instance } of started) {
    instance.close();
    logger.info("service_stopped", { service: name });
  }
}
