// The Prometheus text exposition of a process's metrics. prom-client (loaded on the first scrape,
// so start-up does not pay for it) formats the text and adds the standard process metrics (CPU,
// memory, open files, event-loop lag); the counters come from metrics.ts as they stand; the
// outbox, readiness and mail-transport figures are read from each service at scrape time.
import type { MetricFamily, Sample } from "./families";
import { requestFamilies } from "./metrics";
import type { OutboxKindStats, ServiceMonitoring } from "./monitoring";
import type { ReadinessReport } from "./readiness";

export interface MonitoredService {
  service: string;
  monitoring: ServiceMonitoring;
}

export interface Exposition {
  contentType: string;
  text(): Promise<string>;
}

/** What one scrape read from the services, so the families built from it agree with each other. */
interface Snapshot {
  at: number;
  outbox: { service: string; stats: OutboxKindStats[] }[];
  readiness: ReadinessReport[];
}

function family(name: string, type: MetricFamily["type"], help: string, samples: () => Sample[]): MetricFamily {
  return { name, type, help, samples };
}

/** The families read from the services at scrape time. */
function scrapedFamilies(services: MonitoredService[], snapshot: () => Snapshot): MetricFamily[] {
  // A kind once seen stays listed (at 0) once its messages have gone, rather than vanishing.
  const seenKinds = new Map<string, Set<string>>(services.map(({ service }) => [service, new Set<string>()]));
  const outboxSamples = (value: (stats: OutboxKindStats, at: number) => number) => (): Sample[] => {
    const { at, outbox } = snapshot();
    return outbox.flatMap(({ service, stats }) => {
      const seen = seenKinds.get(service)!;
      for (const row of stats) seen.add(row.kind);
      const byKind = new Map(stats.map((row) => [row.kind, row]));
      return [...seen].sort().map((kind) => {
        const row = byKind.get(kind) ?? { kind, pending: 0, failed: 0, oldestPendingAt: null };
        return { labels: { service, kind }, value: value(row, at) };
      });
    });
  };
  const dependencySamples = (value: (d: ServiceMonitoring["readiness"]["dependencies"][number], at: number) => Sample[]) => (): Sample[] =>
    services.flatMap(({ service, monitoring }) =>
      monitoring.readiness.dependencies.flatMap((dependency) =>
        value(dependency, snapshot().at).map((sample) => ({ ...sample, labels: { service, transport: dependency.name, ...sample.labels } })),
      ),
    );
  return [
    family("teacher_id_outbox_pending_messages", "gauge", "Messages waiting in a service's outbox to be sent (email, sms, qts-invitation), by kind.", outboxSamples((row) => row.pending)),
    family("teacher_id_outbox_failed_messages", "gauge", "Messages the outbox gave up on (OUTBOX_MAX_AGE passed, or refused for good), by kind: `<service> outbox retry ID` sends one again.", outboxSamples((row) => row.failed)),
    family(
      "teacher_id_outbox_oldest_pending_age_seconds",
      "gauge",
      "Age of the oldest message still waiting in the outbox, by kind (0 when none waits).",
      outboxSamples((row, at) => (row.oldestPendingAt === null ? 0 : Math.max(0, (at - row.oldestPendingAt) / 1000))),
    ),
    family("teacher_id_ready", "gauge", "1 when the service is ready (GET /health/ready answers 200), 0 when not.", () =>
      snapshot().readiness.map((report) => ({ labels: { service: report.service }, value: report.ready ? 1 : 0 })),
    ),
    family("teacher_id_readiness_check_ok", "gauge", "Each readiness check: 1 ok, 0 failing (database, smtp).", () =>
      snapshot().readiness.flatMap((report) => report.checks.map((check) => ({ labels: { service: report.service, check: check.name }, value: check.ok ? 1 : 0 }))),
    ),
    family(
      "teacher_id_mail_deliveries_total",
      "counter",
      "Outbox deliveries through each mail transport (smtp, notify): sent, rejected for good by the server, or failed (retried later).",
      dependencySamples((d) =>
        (["sent", "rejected", "failed"] as const).map((outcome) => ({ labels: { outcome }, value: d.counts[outcome] })),
      ),
    ),
    family(
      "teacher_id_mail_transport_failing_seconds",
      "gauge",
      "How long every delivery through a mail transport has failed (0 while it works). Over READINESS_FAILURE_THRESHOLD, a required one (smtp) makes the service not ready.",
      dependencySamples((d, at) => [{ labels: {}, value: d.failingSince === undefined ? 0 : (at - d.failingSince) / 1000 }]),
    ),
  ];
}

export async function createExposition(services: MonitoredService[], now: () => number = Date.now): Promise<Exposition> {
  const { Registry, collectDefaultMetrics } = await import("prom-client");
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let current: Snapshot = { at: now(), outbox: [], readiness: [] };
  for (const metric of [...requestFamilies, ...scrapedFamilies(services, () => current)]) {
    // prom-client's registry asks a metric only for its name, help, type and values.
    const values = async () => ({ name: metric.name, help: metric.help, type: metric.type, values: metric.samples(), aggregator: "sum" });
    registry.registerMetric({ name: metric.name, help: metric.help, type: metric.type, get: values } as unknown as Parameters<typeof registry.registerMetric>[0]);
  }
  return {
    contentType: registry.contentType,
    async text() {
      current = {
        at: now(),
        outbox: services.flatMap(({ service, monitoring }) => (monitoring.outbox ? [{ service, stats: monitoring.outbox() }] : [])),
        readiness: services.map(({ monitoring }) => monitoring.readiness.check()),
      };
      return registry.metrics();
    },
  };
}
