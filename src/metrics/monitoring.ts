// What a service gives the metrics endpoint besides its counters: its readiness and, for a
// service with an outbox, how the outbox stands. Both are read at scrape time.
import type { Readiness } from "./readiness";

export interface OutboxKindStats {
  kind: string;
  pending: number;
  failed: number;
  /** created_at (unix ms) of the oldest pending message, or null when none is pending. */
  oldestPendingAt: number | null;
}

export interface ServiceMonitoring {
  readiness: Readiness;
  /** The outbox's messages by kind (src/outbox/outbox-stats.ts). */
  outbox?: () => OutboxKindStats[];
}
