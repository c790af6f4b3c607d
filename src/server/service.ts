// What each service module gives the server: its Elysia app and its background workers.
import type { AnyElysia } from "elysia";
import type { ServiceName } from "../config/config";
import type { Logger } from "../log/logger";
import type { ServiceMonitoring } from "../metrics/monitoring";

export interface ServiceContext<ServiceConfig> {
  /** The service's own configuration (src/<service>/settings.ts): its settings and the shared ones. */
  config: ServiceConfig;
  logger: Logger;
  /** The services started in this process (all three for the default `serve`). */
  running: ServiceName[];
}

/** A loop that runs in the background of `serve`, e.g. an outbox worker. */
export interface BackgroundWorker {
  name: string;
  start(): void;
  /** Resolves when the current iteration has finished; no new one starts. */
  stop(): Promise<void>;
}

export interface ServiceInstance {
  app: AnyElysia;
  workers: BackgroundWorker[];
  /**
   * Bun's own body cap where this service listens, when not bunBodyLimit (src/web/request-body.ts):
   * a service with an upload page uses uploadPageBodyBackstop.
   */
  maxRequestBodySize?: number;
  /** Lines for the start-up banner a person reads (never secrets that were already shown once). */
  announce?: string[];
  /** Its readiness and outbox, read when /metrics is scraped. */
  monitoring: ServiceMonitoring;
  /** Closes the database; called after the HTTP server and workers have stopped. */
  close(): void;
}

export type ServiceFactory<ServiceConfig, Extra = {}> = (context: ServiceContext<ServiceConfig> & Extra) => Promise<ServiceInstance>;
