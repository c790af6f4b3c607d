// GET /metrics for Prometheus, on a port of its own (METRICS_PORT on METRICS_BIND_HOST, by default
// 127.0.0.1:4003), never on the services' public ports: one endpoint per process, each service's
// figures labelled service="identity" etc. With METRICS_TOKEN set, a scrape must send
// `Authorization: Bearer <token>`.
import type { Logger } from "../log/logger";
import { constantTimeEqual } from "../security/tokens";
import { createExposition, type Exposition, type MonitoredService } from "./exposition";

export interface MetricsServerOptions {
  host: string;
  port: number;
  token?: string;
  services: MonitoredService[];
  logger: Logger;
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:4003/metrics (port 0 in config becomes the real port here). */
  url: string;
  stop(): Promise<void>;
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers } });

export function startMetricsServer(options: MetricsServerOptions): MetricsServer {
  const { logger, token } = options;
  let exposition: Promise<Exposition> | undefined;
  const expected = token === undefined ? undefined : `Bearer ${token}`;
  const server = Bun.serve({
    hostname: options.host,
    port: options.port,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path !== "/metrics") return text(404, "Not found: metrics are at /metrics\n");
      if (request.method !== "GET" && request.method !== "HEAD") return text(405, "Method not allowed\n", { allow: "GET, HEAD" });
      if (expected !== undefined && !constantTimeEqual(request.headers.get("authorization") ?? "", expected)) {
        logger.warn("metrics_unauthorized", {});
        return text(401, "A bearer token is required (METRICS_TOKEN)\n", { "www-authenticate": 'Bearer realm="metrics"' });
      }
      try {
        const { contentType, text: render } = await (exposition ??= createExposition(options.services));
        return new Response(await render(), { headers: { "content-type": contentType, "cache-control": "no-store" } });
      } catch (error) {
        logger.error("metrics_scrape_failed", { error: error as Error });
        exposition = undefined;
        return text(500, "The metrics could not be read\n");
      }
    },
  });
  const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${server.port}/metrics`;
  return { url, stop: () => server.stop() };
}
