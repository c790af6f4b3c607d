// Whether a service can do its job now, for GET /health/ready and the teacher_id_ready gauge.
// Not ready while:
// - its database cannot be written: a write transaction cannot be begun (another process holds the
//   write lock, the file is read-only), checked at most once a second; or a request failed on a
//   database error (disk full, read-only, I/O) in the last 10 seconds;
// - a required dependency (SMTP) has failed every delivery for longer than READINESS_FAILURE_THRESHOLD.
// /health stays a liveness check: it says only whether the process answers and can read.
import type { Database } from "bun:sqlite";

/** Where one of a service's messages goes out (SMTP, GOV.UK Notify), as the outbox's deliveries found it. */
export interface DependencyHealth {
  readonly name: string;
  /** A required dependency that has failed longer than the threshold makes the service not ready. */
  readonly required: boolean;
  /** The server took a message. */
  succeeded(): void;
  /** The server answered but refused this message for good (e.g. a bad address): it is up. */
  rejected(): void;
  /** The message could not be handed over (down, timed out, temporary refusal): retried later. */
  failed(): void;
  /** When the failures began (the first failure since the last success), or undefined. */
  readonly failingSince: number | undefined;
  readonly counts: { sent: number; rejected: number; failed: number };
}

export function dependencyHealth(name: string, options: { required: boolean; now?: () => number }): DependencyHealth {
  const now = options.now ?? Date.now;
  const counts = { sent: 0, rejected: 0, failed: 0 };
  let failingSince: number | undefined;
  return {
    name,
    required: options.required,
    counts,
    get failingSince() {
      return failingSince;
    },
    succeeded() {
      counts.sent++;
      failingSince = undefined;
    },
    rejected() {
      counts.rejected++;
      failingSince = undefined;
    },
    failed() {
      counts.failed++;
      failingSince ??= now();
    },
  };
}

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  /** What is wrong, for an operator (no host names, addresses or secrets). */
  detail?: string;
}

export interface ReadinessReport {
  service: string;
  ready: boolean;
  checks: ReadinessCheck[];
}

export interface Readiness {
  check(): ReadinessReport;
  /** A request failed on this SQLite error code (the web layer calls it). */
  databaseFailed(code: string): void;
  readonly dependencies: readonly DependencyHealth[];
}

export interface ReadinessOptions {
  service: string;
  database: Database;
  dependencies?: DependencyHealth[];
  /** READINESS_FAILURE_THRESHOLD in ms. */
  failureThresholdMs: number;
  now?: () => number;
}

/** How often the database write probe runs at most (a busy /health/ready costs one probe a second). */
export const probeIntervalMs = 1_000;
/** How long a database error seen by a request keeps the service not ready. */
export const databaseErrorWindowMs = 10_000;

/** SQLite codes that mean the database cannot be written (not: a constraint, a bad query). */
export function isDatabaseWriteError(code: unknown): code is string {
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CORRUPT|CANTOPEN|NOTADB)/.test(code);
}

export function createReadiness(options: ReadinessOptions): Readiness {
  const { service, database, failureThresholdMs } = options;
  const dependencies = options.dependencies ?? [];
  const now = options.now ?? Date.now;
  let probedAt = -Infinity;
  let probe: ReadinessCheck = { name: "database", ok: true };
  let lastError: { at: number; code: string } | undefined;

  function probeDatabase(): ReadinessCheck {
    // Requests run their transactions synchronously, so none is open on this connection now.
    if (database.inTransaction) return probe;
    const [{ timeout }] = database.query("PRAGMA busy_timeout").all() as { timeout: number }[];
    // Without waiting: a held write lock is the answer, and this thread serves every request.
    database.run("PRAGMA busy_timeout = 0");
    try {
      database.run("BEGIN IMMEDIATE");
      database.run("ROLLBACK");
      return { name: "database", ok: true };
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? "error");
      return { name: "database", ok: false, detail: `the ${service} database cannot be written (${code})` };
    } finally {
      database.run(`PRAGMA busy_timeout = ${Number(timeout)}`);
    }
  }

  return {
    dependencies,
    databaseFailed(code) {
      // A lock (BUSY, LOCKED) is what the probe sees for itself, and clears as soon as it is released.
      if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return;
      lastError = { at: now(), code };
    },
    check() {
      const at = now();
      if (at - probedAt >= probeIntervalMs) {
        probedAt = at;
        probe = probeDatabase();
      }
      const checks: ReadinessCheck[] = [probe];
      if (probe.ok && lastError && at - lastError.at < databaseErrorWindowMs) {
        checks[0] = { name: "database", ok: false, detail: `a request failed on the ${service} database (${lastError.code}) within the last ${databaseErrorWindowMs / 1000} s` };
      }
      for (const dependency of dependencies) {
        const since = dependency.failingSince;
        const failingMs = since === undefined ? 0 : at - since;
        if (failingMs === 0) {
          checks.push({ name: dependency.name, ok: true });
        } else if (!dependency.required || failingMs <= failureThresholdMs) {
          const why = dependency.required ? "under READINESS_FAILURE_THRESHOLD" : "not required to be ready";
          checks.push({ name: dependency.name, ok: true, detail: `deliveries through ${dependency.name} have failed for ${Math.round(failingMs / 1000)} s (${why})` });
        } else {
          checks.push({ name: dependency.name, ok: false, detail: `every delivery through ${dependency.name} has failed for ${Math.round(failingMs / 1000)} s` });
        }
      }
      return { service, ready: checks.every((c) => c.ok), checks };
    },
  };
}
