// The metrics' parts on their own: counters and histograms made once and only added to, request
// counting by route pattern (early answers and 404s included), readiness (write probe, database
// errors, a failing dependency and its threshold), rate-limit refusals by kind, the settings.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { sucrose } from "elysia/sucrose";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadSharedConfig } from "../../src/config/config";
import { openSqlite } from "../../src/db/open-database";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { hitRateLimit, hitRateLimits } from "../../src/identity/rate-limit/rate-limit";
import { createLogger } from "../../src/log/logger";
import { CounterFamily, HistogramFamily } from "../../src/metrics/families";
import { databaseErrors, httpRequests, rateLimitRefusals } from "../../src/metrics/metrics";
import { createReadiness, databaseErrorWindowMs, dependencyHealth, probeIntervalMs } from "../../src/metrics/readiness";
import { requestMetrics } from "../../src/metrics/request-metrics";
import { createServiceApp } from "../../src/web/create-service-app";

const scratch = mkdtempSync(join(tmpdir(), "teacher-id-metrics-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("counters and histograms", () => {
  test("a series is made once: series() with the same labels gives the same object, and inc() adds to it", () => {
    const family = new CounterFamily("test_things_total", "Things.", ["kind"]);
    const a = family.series("a");
    expect(family.series("a")).toBe(a);
    a.inc();
    a.inc(2);
    family.series("b").inc();
    expect(family.samples()).toEqual([
      { labels: { kind: "a" }, value: 3 },
      { labels: { kind: "b" }, value: 1 },
    ]);
    expect(() => family.series()).toThrow("takes labels kind");
  });

  test("a histogram's buckets are cumulative, +Inf is the count, and the sum adds every observation", () => {
    const family = new HistogramFamily("test_seconds", "Time.", ["route"], [0.01, 0.1, 1]);
    const series = family.series("/x");
    for (const value of [0.005, 0.01, 0.05, 0.5, 3]) series.observe(value);
    const byName = (name: string) => family.samples().filter((s) => s.metricName === name);
    expect(byName("test_seconds_bucket").map((s) => [s.labels.le, s.value])).toEqual([
      ["0.01", 2],
      ["0.1", 3],
      ["1", 4],
      ["+Inf", 5],
    ]);
    expect(byName("test_seconds_count")[0]).toEqual({ metricName: "test_seconds_count", labels: { route: "/x" }, value: 5 });
    expect(byName("test_seconds_sum")[0].value).toBeCloseTo(3.565, 10);
  });

  test("counting a request makes its series the first time only; an unknown method is 'other'", () => {
    const requests = requestMetrics("unit-requests");
    const seriesCount = () => httpRequests.samples().filter((s) => s.labels.service === "unit-requests").length;
    requests.record("GET", "/a/:id", 200, 0.001);
    expect(seriesCount()).toBe(1);
    for (let i = 0; i < 100; i++) requests.record("GET", "/a/:id", 200, 0.001);
    expect(seriesCount()).toBe(1);
    requests.record("BREW", "/a/:id", 200, 0.001);
    requests.record("GET", "/a/:id", 404, 0.001);
    const samples = httpRequests.samples().filter((s) => s.labels.service === "unit-requests");
    expect(samples.map((s) => [s.labels.method, s.labels.status, s.value])).toEqual([
      ["GET", "200", 101],
      ["other", "200", 1],
      ["GET", "404", 1],
    ]);
  });
});

describe("readiness", () => {
  test("a required dependency makes the service not ready only once it has failed longer than the threshold; a success clears it", () => {
    let now = 1_000_000;
    const smtp = dependencyHealth("smtp", { required: true, now: () => now });
    const readiness = createReadiness({ service: "unit", database: new Database(":memory:"), dependencies: [smtp], failureThresholdMs: 5_000, now: () => now });
    expect(readiness.check().ready).toBe(true);
    smtp.failed();
    now += 4_000;
    smtp.failed(); // failing since the first failure, not the last
    expect(readiness.check()).toMatchObject({ ready: true, checks: [{ name: "database", ok: true }, { name: "smtp", ok: true }] });
    now += 2_000;
    const report = readiness.check();
    expect(report.ready).toBe(false);
    expect(report.checks[1]).toEqual({ name: "smtp", ok: false, detail: "every delivery through smtp has failed for 6 s" });
    smtp.succeeded();
    expect(readiness.check()).toMatchObject({ ready: true, checks: [{ name: "database", ok: true }, { name: "smtp", ok: true }] });
    // Refused for good (a bad address) means the server answered: it is up.
    smtp.failed();
    smtp.rejected();
    now += 60_000;
    expect(readiness.check().ready).toBe(true);
    expect(smtp.counts).toEqual({ sent: 1, rejected: 1, failed: 3 });
  });

  test("a dependency that is not required (Notify) never makes the service not ready, but says it is failing", () => {
    let now = 0;
    const notify = dependencyHealth("notify", { required: false, now: () => now });
    const readiness = createReadiness({ service: "unit", database: new Database(":memory:"), dependencies: [notify], failureThresholdMs: 1_000, now: () => now });
    notify.failed();
    now += 60_000;
    const report = readiness.check();
    expect(report.ready).toBe(true);
    expect(report.checks[1]).toMatchObject({ name: "notify", ok: true });
    expect(report.checks[1].detail).toContain("not required");
  });

  test("the write probe: a write lock held by another connection is 'cannot be written'; it runs at most once a second", () => {
    const path = join(scratch, "probe.sqlite");
    const own = openSqlite(path);
    const other = new Database(path);
    let now = 0;
    const readiness = createReadiness({ service: "unit", database: own, failureThresholdMs: 1_000, now: () => now });
    try {
      expect(readiness.check().ready).toBe(true);
      other.run("BEGIN IMMEDIATE");
      now += probeIntervalMs - 1;
      expect(readiness.check().ready).toBe(true); // the last probe's answer, not a new probe
      now += 1;
      const locked = readiness.check();
      expect(locked.ready).toBe(false);
      expect(locked.checks[0]).toEqual({ name: "database", ok: false, detail: "the unit database cannot be written (SQLITE_BUSY)" });
      // It did not wait for the lock, nor change the connection's own busy_timeout.
      expect(own.query("PRAGMA busy_timeout").get()).toEqual({ timeout: 5000 });
      other.run("ROLLBACK");
      now += probeIntervalMs;
      expect(readiness.check().ready).toBe(true);
    } finally {
      other.close();
      own.close();
    }
  });

  test("a request that failed on a database write error keeps it not ready for a while; a lock (BUSY) is left to the probe", () => {
    let now = 0;
    const readiness = createReadiness({ service: "unit", database: new Database(":memory:"), failureThresholdMs: 1_000, now: () => now });
    readiness.databaseFailed("SQLITE_BUSY");
    expect(readiness.check().ready).toBe(true);
    readiness.databaseFailed("SQLITE_FULL");
    const full = readiness.check();
    expect(full.ready).toBe(false);
    expect(full.checks[0].detail).toContain("SQLITE_FULL");
    now += databaseErrorWindowMs;
    expect(readiness.check().ready).toBe(true);
  });
});

describe("the web layer", () => {
  const database = new Database(":memory:");
  const readiness = createReadiness({ service: "unit-web", database, failureThresholdMs: 1_000 });
  const app = createServiceApp({
    service: "unit-web",
    brand: { name: "Unit", url: "http://localhost" },
    logger: createLogger({ write: () => {} }),
    secure: false,
    apiPrefixes: ["/api"],
    healthCheck: () => {},
    readiness,
  })
    .get("/api/things/:id", () => ({ ok: true }))
    .put("/api/full", () => {
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    });
  const count = (labels: Record<string, string>) =>
    httpRequests
      .samples()
      .filter((s) => s.labels.service === "unit-web" && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  // The request is counted once its answer has gone (onAfterResponse): wait for it.
  const counted = async (labels: Record<string, string>, expected: number) => {
    for (let i = 0; i < 100 && count(labels) < expected; i++) await Bun.sleep(5);
    return count(labels);
  };

  test("counts by route pattern, 404s and answers given before routing under (none), assets under (asset)", async () => {
    await app.handle(new Request("http://localhost/api/things/1234567"));
    await app.handle(new Request("http://localhost/api/things/7654321"));
    expect(await counted({ method: "GET", route: "/api/things/:id", status: "200" }, 2)).toBe(2);
    await app.handle(new Request("http://localhost/no/such/path-with-a-token-abc"));
    expect(await counted({ route: "(none)", status: "404" }, 1)).toBe(1);
    // Refused by its Content-Length before any route is found.
    const tooLarge = await app.handle(new Request("http://localhost/api/full", { method: "PUT", headers: { "content-length": "99999999", "content-type": "application/json" }, body: "{}" }));
    expect(tooLarge.status).toBe(413);
    expect(await counted({ method: "PUT", route: "(none)", status: "413" }, 1)).toBe(1);
    const asset = await app.handle(new Request("http://localhost/assets/govuk-frontend.min.css"));
    expect(asset.status).toBe(200);
    expect(await counted({ route: "(asset)", status: "200" }, 1)).toBe(1);
    expect(httpRequests.samples().filter((s) => s.labels.service === "unit-web").map((s) => s.labels.route).sort()).toEqual(
      ["(asset)", "(none)", "(none)", "/api/things/:id"],
    );
  });

  test("counting stays off the hot path: the base hooks make Elysia build no query, headers, cookie or body for every request", () => {
    // Elysia reads each hook's source (sucrose) to decide what every request's context needs; a
    // context handed whole to a function (e.g. a wrapper) makes it parse everything, every time.
    const events = (app as unknown as { event: Record<string, unknown[]> }).event;
    const inference = sucrose({ request: events.request, afterResponse: events.afterResponse, error: events.error } as never);
    expect(inference).toMatchObject({ query: false, headers: false, cookie: false, body: false });
    expect(inference.route).toBe(true); // the route's pattern: a constant per route
  });

  test("a write that fails on a full disk counts as a database error and makes /health/ready 503, naming it; /health stays 200", async () => {
    expect((await app.handle(new Request("http://localhost/health/ready"))).status).toBe(200);
    const before = databaseErrors.series("unit-web", "SQLITE_FULL").value;
    const failed = await app.handle(new Request("http://localhost/api/full", { method: "PUT" }));
    expect(failed.status).toBe(500);
    expect(databaseErrors.series("unit-web", "SQLITE_FULL").value - before).toBe(1);
    const ready = await app.handle(new Request("http://localhost/health/ready"));
    expect(ready.status).toBe(503);
    expect(ready.headers.get("content-type")).toBe("application/problem+json");
    const body = (await ready.json()) as { title: string; detail: string; service: string; checks: unknown[] };
    expect(body).toMatchObject({ title: "Service not ready", service: "unit-web" });
    expect(body.detail).toContain("SQLITE_FULL");
    expect((await app.handle(new Request("http://localhost/health"))).status).toBe(200);
  });
});

describe("rate-limit refusals", () => {
  test("are counted once per refused request, by what was limited, never by the address", () => {
    const db = openIdentityDatabase(join(scratch, "identity-data"));
    try {
      const rule = { limit: 1, windowMs: 60_000 };
      const value = () => ({ send: rateLimitRefusals.send.value, check: rateLimitRefusals.check.value, renewed: rateLimitRefusals.renewed.value });
      const before = value();
      const both = [
        { key: "send:email:to:someone@example.com", rule },
        { key: "send:ip:198.51.100.1", rule },
      ];
      expect(hitRateLimits(db, both).allowed).toBe(true);
      expect(hitRateLimits(db, both).allowed).toBe(false); // both keys over: one refusal
      expect(hitRateLimit(db, "check:email_sign_in:someone@example.com", rule).allowed).toBe(true);
      expect(hitRateLimit(db, "check:email_sign_in:someone@example.com", rule).allowed).toBe(false);
      expect(hitRateLimit(db, "renewed:abc", rule).allowed).toBe(true);
      expect(hitRateLimit(db, "renewed:abc", rule).allowed).toBe(false);
      const after = value();
      expect({ send: after.send - before.send, check: after.check - before.check, renewed: after.renewed - before.renewed }).toEqual({ send: 1, check: 1, renewed: 1 });
    } finally {
      db.$client.close();
    }
  });
});

describe("settings", () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadSharedConfig(env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  };

  test("metrics listen on 127.0.0.1:4003 by default, with no token", () => {
    const config = loadSharedConfig({});
    expect(config).toMatchObject({ METRICS_PORT: 4003, METRICS_BIND_HOST: "127.0.0.1", READINESS_FAILURE_THRESHOLD: 300_000 });
    expect(config.METRICS_TOKEN).toBeUndefined();
  });

  test("off loopback METRICS_TOKEN is required; a short token is refused and never echoed", () => {
    expect(problems({ METRICS_BIND_HOST: "0.0.0.0" })).toEqual([
      "METRICS_TOKEN is required when METRICS_BIND_HOST is not a loopback address (the metrics would be open to the network)",
    ]);
    expect(problems({ METRICS_BIND_HOST: "0.0.0.0", METRICS_TOKEN: "a-long-enough-metrics-token" })).toEqual([]);
    expect(problems({ METRICS_BIND_HOST: "::1" })).toEqual([]);
    const short = problems({ METRICS_TOKEN: "short-secret" });
    expect(short).toHaveLength(1);
    expect(short[0]).toStartWith("METRICS_TOKEN must be at least 16 characters");
    expect(short[0]).not.toContain("short-secret");
  });
});
