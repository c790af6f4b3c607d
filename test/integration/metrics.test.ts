// Issue 12 "Seeing it happen": the built binary's Prometheus metrics and readiness, as an operator
// at 2 a.m. sees them. /metrics is on METRICS_PORT (127.0.0.1, bearer token) and not on the public
// ports; the counters move by what the seed flow and a few API calls did; route labels are
// patterns, never paths with TRNs or tokens; /health/ready goes 503 while a database cannot be
// written or SMTP has failed past READINESS_FAILURE_THRESHOLD, and back to 200 when it recovers.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { ServiceName } from "../../src/config/config";
import { HttpBrowser } from "../helpers/access-http-browser";
import { hiddenFields } from "../helpers/access-seed";
import { metricsUrlIn, scrape, type Scrape } from "../helpers/metrics";
import { putOutcome, trnTokenFromLink } from "../helpers/records-support";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";

const metricsToken = "metrics-token-for-the-test-0123456789";
const demo = { trn: "1234567", birthdate: "1998-03-14", email: "amelia.clarke@example.com", ukprn: "10000001" };
const pass = (assessmentDate = new Date().toISOString().slice(0, 10)) => ({ ittProviderUkprn: demo.ukprn, outcome: "Pass", assessmentDate });

/** The demo awarding client's secret, from the banner `serve` prints once. */
function demoClientSecret(served: ServedBinary): string {
  const match = /client_secret: (\S+)/.exec(served.stderr());
  if (!match) throw new Error(`no demo client secret in the banner:\n${served.stderr()}`);
  return match[1];
}

async function demoClientToken(served: ServedBinary): Promise<Response> {
  return fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`demo-awarding-service:${demoClientSecret(served)}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "itt_outcome:write" }),
  });
}

async function accessToken(served: ServedBinary): Promise<string> {
  const response = await demoClientToken(served);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Submits the form on the page the browser is on, with its hidden fields (CSRF) and `fields`. */
async function submitForm(browser: HttpBrowser, pageUrl: string, html: string, fields: Record<string, string> = {}) {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? new URL(pageUrl).pathname;
  return browser.submit(new URL(action, pageUrl).toString(), { ...hiddenFields(html), ...fields });
}

async function ready(served: ServedBinary, service: ServiceName): Promise<{ status: number; type: string | null; body: any }> {
  const response = await fetch(`${served.urls[service]}/health/ready`);
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

const smtp = await startSmtpServer();
afterAll(() => smtp.close());

describe("the metrics endpoint", () => {
  let served: ServedBinary;
  let metricsUrl: string;
  const scrapeNow = () => scrape(metricsUrl, metricsToken);

  beforeAll(async () => {
    served = await serveBinary({ env: { SMTP_URL: smtp.url, METRICS_TOKEN: metricsToken, CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: "1" } });
    metricsUrl = metricsUrlIn(served.logs());
  });
  afterAll(() => served?.stop());

  test("is not on the public ports: /metrics there is refused like any unknown path (404 for every method), with no metric in it", async () => {
    for (const service of ["identity", "records", "access"] as const) {
      for (const method of ["GET", "POST"]) {
        const response = await fetch(`${served.urls[service]}/metrics`, { method, headers: { authorization: `Bearer ${metricsToken}` } });
        expect(response.status).toBe(404);
        expect(await response.text()).not.toContain("teacher_id_");
      }
    }
  });

  test("answers on METRICS_PORT, listening on 127.0.0.1 only, in the Prometheus text format", async () => {
    const url = new URL(metricsUrl);
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.pathname).toBe("/metrics");
    expect(Object.values(served.urls).map((u) => new URL(u).port)).not.toContain(url.port);
    const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toContain("# TYPE teacher_id_http_requests_total counter");
    expect(text).toContain("# TYPE teacher_id_http_request_duration_seconds histogram");
    expect(text).toContain("# TYPE process_resident_memory_bytes gauge");
    for (const service of ["identity", "records", "access"]) expect(text).toContain(`teacher_id_ready{service="${service}"} 1`);
    // Another address of this machine does not reach it.
    const elsewhere = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
    if (elsewhere) {
      const outside = await fetch(`http://${elsewhere}:${url.port}/metrics`).then(
        (r) => r.status,
        () => "refused",
      );
      expect(outside).toBe("refused");
    }
    expect((await fetch(metricsUrl.replace("/metrics", "/other"), { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(404);
    expect((await fetch(metricsUrl, { method: "POST", headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(405);
  });

  test("with METRICS_TOKEN set, a scrape without the bearer token, or with another, is refused with 401 and no metrics", async () => {
    for (const authorization of [undefined, "Bearer not-the-token-at-all-0123456", `Basic ${btoa(`x:${metricsToken}`)}`, metricsToken]) {
      const response = await fetch(metricsUrl, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toStartWith("Bearer");
      expect(await response.text()).not.toContain("teacher_id_");
    }
    expect((await fetch(metricsUrl, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
  });

  test("tokens, API calls and a whole registration through the seed flow move the counters by what they did", async () => {
    const putRoute = { service: "records", method: "PUT", route: "/v2/teachers/:trn/itt-outcome" };
    const tokenRoute = { service: "identity", method: "POST", route: "/token" };
    const before = await scrapeNow();

    // Three tokens for the awarding service, and one refused (a wrong secret).
    const token = await accessToken(served);
    await accessToken(served);
    await accessToken(served);
    const refused = await fetch(`${served.urls.identity}/token`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa("demo-awarding-service:wrong")}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(refused.status).toBe(401);
    const afterTokens = await scrapeNow();
    const moved = (later: Scrape, earlier: Scrape, name: string, labels: Record<string, string> = {}) => later.value(name, labels) - earlier.value(name, labels);
    expect(moved(afterTokens, before, "teacher_id_tokens_issued_total", { grant_type: "client_credentials" })).toBe(3);
    expect(moved(afterTokens, before, "teacher_id_http_requests_total", { ...tokenRoute, status: "200" })).toBe(3);
    expect(moved(afterTokens, before, "teacher_id_http_requests_total", { ...tokenRoute, status: "401" })).toBe(1);
    expect(moved(afterTokens, before, "teacher_id_http_request_duration_seconds_count", tokenRoute)).toBe(4);
    expect(moved(afterTokens, before, "teacher_id_http_request_duration_seconds_bucket", { ...tokenRoute, le: "+Inf" })).toBe(4);
    expect(moved(afterTokens, before, "teacher_id_http_request_duration_seconds_sum", tokenRoute)).toBeGreaterThan(0);

    // The Pass, the same Pass twice more (safe to repeat), and one without a token.
    for (let i = 0; i < 3; i++) expect((await putOutcome(served.urls.records, token, demo.trn, demo.birthdate, pass())).status).toBe(200);
    expect((await putOutcome(served.urls.records, undefined, demo.trn, demo.birthdate, pass())).status).toBe(401);
    const afterPuts = await scrapeNow();
    expect(moved(afterPuts, afterTokens, "teacher_id_http_requests_total", { ...putRoute, status: "200" })).toBe(3);
    expect(moved(afterPuts, afterTokens, "teacher_id_http_requests_total", { ...putRoute, status: "401" })).toBe(1);
    expect(moved(afterPuts, afterTokens, "teacher_id_http_request_duration_seconds_count", putRoute)).toBe(4);

    // One invitation, delivered through SMTP.
    const email = await smtp.waitForMessage(demo.email);
    const trnToken = trnTokenFromLink(email.text);
    const delivered = await eventually("the invitation to be counted as sent", async () => {
      const now = await scrapeNow();
      return moved(now, before, "teacher_id_mail_deliveries_total", { service: "records", transport: "smtp", outcome: "sent" }) >= 1 ? now : undefined;
    });
    expect(moved(delivered, before, "teacher_id_mail_deliveries_total", { service: "records", transport: "smtp", outcome: "sent" })).toBe(1);
    expect(delivered.value("teacher_id_outbox_pending_messages", { service: "records" })).toBe(0);

    // The teacher follows the link and registers (seed steps 5-7).
    const beforeRegistration = await scrapeNow();
    const browser = new HttpBrowser();
    let step = await browser.follow(`${served.urls.access}/register?trn_token=${trnToken}`);
    expect(step.url).toBe(`${served.urls.identity}/register?started=1`);
    const started = await scrapeNow();
    expect(moved(started, beforeRegistration, "teacher_id_registrations_started_total")).toBe(1);
    expect(moved(started, beforeRegistration, "teacher_id_registrations_finished_total")).toBe(0);
    step = await submitForm(browser, step.url, await step.response.text());
    step = await submitForm(browser, step.url, await step.response.text(), { noPhone: "yes" });
    step = await submitForm(browser, step.url, await step.response.text(), { choice: "0" });
    expect(step.url).toEndWith("/register/check-answers");
    step = await submitForm(browser, step.url, await step.response.text());
    expect(step.url).toBe(`${served.urls.access}/qualifications`);
    expect(await step.response.text()).toContain("Amelia");
    const registered = await scrapeNow();
    expect(moved(registered, beforeRegistration, "teacher_id_registrations_started_total")).toBe(1);
    expect(moved(registered, beforeRegistration, "teacher_id_registrations_finished_total", { account: "new" })).toBe(1);
    expect(moved(registered, beforeRegistration, "teacher_id_registrations_finished_total", { account: "existing" })).toBe(0);
    // access exchanged its code once.
    expect(moved(registered, beforeRegistration, "teacher_id_tokens_issued_total", { grant_type: "authorization_code" })).toBe(1);
    expect(moved(registered, beforeRegistration, "teacher_id_http_requests_total", { service: "access", route: "/sign-in/callback", status: "303" })).toBe(1);
    expect(moved(registered, beforeRegistration, "teacher_id_http_requests_total", { service: "access", route: "/qualifications", status: "200" })).toBe(1);

    // Opening the used link again starts nothing.
    await new HttpBrowser().follow(`${served.urls.access}/register?trn_token=${trnToken}`);
    expect(moved(await scrapeNow(), registered, "teacher_id_registrations_started_total")).toBe(0);

    // Route labels are route patterns: no TRN, token, secret or address, wherever they were in the path.
    const labels = registered.samples.flatMap((s) => Object.values(s.labels));
    const secrets = [demo.trn, trnToken, token, demoClientSecret(served), demo.email, "1998-03-14"];
    for (const secret of secrets) expect(labels.filter((label) => label.includes(secret))).toEqual([]);
    const routes = [...new Set(registered.matching("teacher_id_http_requests_total").map((s) => s.labels.route))];
    expect(routes).toContain("/v2/teachers/:trn/itt-outcome");
    expect(routes.some((route) => route.startsWith("/interaction/:"))).toBe(true);
    for (const route of routes) {
      expect(route).toMatch(/^(\(none\)|\(asset\)|\/[A-Za-z0-9_.\-/:*]*)$/);
      expect(route).not.toMatch(/\d{7}|[A-Za-z0-9_-]{30,}/);
    }
  }, 60_000);

  test("a refused sign-in code (rate limit) is counted as a refusal and as a 429 on the route's pattern", async () => {
    const signInWith = async (email: string) => {
      const browser = new HttpBrowser();
      const page = await browser.follow(`${served.urls.access}/sign-in`);
      expect(page.url).toStartWith(served.urls.identity);
      return submitForm(browser, page.url, await page.response.text(), { email });
    };
    const before = await scrapeNow();
    const first = await signInWith("rate.limited@example.com");
    expect(first.response.status).toBe(200);
    // CODE_SEND_LIMIT_PER_ADDRESS_AND_IP=1: a second code to the same address is refused.
    const second = await signInWith("rate.limited@example.com");
    expect(second.response.status).toBe(429);
    const after = await scrapeNow();
    expect(after.value("teacher_id_rate_limit_refusals_total", { limit: "send" }) - before.value("teacher_id_rate_limit_refusals_total", { limit: "send" })).toBe(1);
    expect(after.value("teacher_id_rate_limit_refusals_total", { limit: "check" }) - before.value("teacher_id_rate_limit_refusals_total", { limit: "check" })).toBe(0);
    const refusals429 = (s: Scrape) => s.value("teacher_id_http_requests_total", { service: "identity", method: "POST", status: "429" });
    expect(refusals429(after) - refusals429(before)).toBe(1);
  });

  test("while another process holds records' write lock: /health/ready is 503 naming the database, a write is 503 and counted as busy; then ready again", async () => {
    const lock = new Database(join(served.dataDir, "records.sqlite"));
    const before = await scrapeNow();
    let released = false;
    try {
      lock.run("BEGIN IMMEDIATE");
      // The write probe runs at most once a second (the scrape above just ran it).
      const notReady = await eventually("records to say it is not ready", async () => {
        const answer = await ready(served, "records");
        return answer.status === 503 ? answer : undefined;
      });
      expect(notReady.type).toBe("application/problem+json");
      expect(notReady.body).toMatchObject({ title: "Service not ready", status: 503, service: "records" });
      expect(notReady.body.detail).toContain("records database cannot be written");
      expect(notReady.body.checks).toContainEqual(expect.objectContaining({ name: "database", ok: false }));
      // /health stays a liveness check: the process answers and can read.
      expect((await fetch(`${served.urls.records}/health`)).status).toBe(200);
      // identity's database is another file.
      expect((await ready(served, "identity")).status).toBe(200);

      const token = await accessToken(served);
      const write = await putOutcome(served.urls.records, token, "1234568", "1997-11-02", { ittProviderUkprn: "10000002", outcome: "Deferred" });
      expect(write.status).toBe(503);
      const during = await scrapeNow();
      expect(during.value("teacher_id_database_busy_total", { service: "records" }) - before.value("teacher_id_database_busy_total", { service: "records" })).toBe(1);
      expect(during.value("teacher_id_database_busy_total", { service: "identity" }) - before.value("teacher_id_database_busy_total", { service: "identity" })).toBe(0);
      expect(during.value("teacher_id_ready", { service: "records" })).toBe(0);
      expect(during.value("teacher_id_readiness_check_ok", { service: "records", check: "database" })).toBe(0);
      lock.run("ROLLBACK");
      released = true;
      // The probe runs at most once a second: ready again within a few.
      const back = await eventually("records to be ready again", async () => {
        const answer = await ready(served, "records");
        return answer.status === 200 ? answer : undefined;
      });
      expect(back.body).toMatchObject({ status: "ready", service: "records" });
      expect((await scrapeNow()).value("teacher_id_ready", { service: "records" })).toBe(1);
    } finally {
      if (!released) lock.run("ROLLBACK");
      lock.close();
    }
  }, 30_000);
});

describe("readiness when SMTP is down (READINESS_FAILURE_THRESHOLD=1s)", () => {
  let served: ServedBinary;
  let deadSmtp: Server;
  let smtpPort: number;
  let liveSmtp: TestSmtpServer | undefined;

  beforeAll(async () => {
    // An SMTP address where nothing answers: the connection is closed as soon as it opens.
    deadSmtp = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => deadSmtp.listen(0, "127.0.0.1", resolve));
    smtpPort = (deadSmtp.address() as { port: number }).port;
    served = await serveBinary({
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        READINESS_FAILURE_THRESHOLD: "1s",
        OUTBOX_RETRY_MIN: "100ms",
        OUTBOX_RETRY_MAX: "400ms",
      },
    });
  });
  afterAll(async () => {
    await served?.stop();
    await liveSmtp?.close();
    deadSmtp?.close();
  });

  test("an invitation that cannot be sent shows as pending and ageing; records turns not ready, names smtp, and is ready again once a real SMTP server takes it", async () => {
    const metricsUrl = metricsUrlIn(served.logs());
    expect((await ready(served, "records")).status).toBe(200);
    const token = await accessToken(served);
    expect((await putOutcome(served.urls.records, token, demo.trn, demo.birthdate, pass())).status).toBe(200);

    const notReady = await eventually("records to say it is not ready", async () => {
      const answer = await ready(served, "records");
      return answer.status === 503 ? answer : undefined;
    });
    expect(notReady.type).toBe("application/problem+json");
    expect(notReady.body).toMatchObject({ title: "Service not ready", status: 503, service: "records" });
    expect(notReady.body.detail).toContain("smtp");
    expect(notReady.body.checks).toContainEqual(expect.objectContaining({ name: "smtp", ok: false }));
    expect(notReady.body.checks).toContainEqual({ name: "database", ok: true });
    expect(JSON.stringify(notReady.body)).not.toContain(String(smtpPort)); // no addresses in a public answer
    // identity sent nothing, so nothing of identity's failed; /health stays a liveness check.
    expect((await ready(served, "identity")).status).toBe(200);
    expect((await fetch(`${served.urls.records}/health`)).status).toBe(200);

    const down = await scrape(metricsUrl);
    const invitation = { service: "records", kind: "qts-invitation" };
    expect(down.value("teacher_id_outbox_pending_messages", invitation)).toBe(1);
    expect(down.value("teacher_id_outbox_oldest_pending_age_seconds", invitation)).toBeGreaterThan(1);
    expect(down.value("teacher_id_mail_deliveries_total", { service: "records", transport: "smtp", outcome: "failed" })).toBeGreaterThanOrEqual(1);
    expect(down.value("teacher_id_mail_deliveries_total", { service: "records", transport: "smtp", outcome: "sent" })).toBe(0);
    expect(down.value("teacher_id_mail_transport_failing_seconds", { service: "records", transport: "smtp" })).toBeGreaterThan(1);
    expect(down.value("teacher_id_ready", { service: "records" })).toBe(0);
    expect(down.value("teacher_id_readiness_check_ok", { service: "records", check: "smtp" })).toBe(0);
    expect(down.value("teacher_id_ready", { service: "identity" })).toBe(1);

    // SMTP comes back at the same address.
    await new Promise<void>((resolve) => deadSmtp.close(() => resolve()));
    liveSmtp = await startSmtpServer({ port: smtpPort });
    await liveSmtp.waitForMessage(demo.email, { timeoutMs: 15_000 });
    const back = await eventually("records to be ready again", async () => {
      const answer = await ready(served, "records");
      return answer.status === 200 ? answer : undefined;
    });
    expect(back.body.checks).toContainEqual({ name: "smtp", ok: true });
    const up = await scrape(metricsUrl);
    expect(up.value("teacher_id_outbox_pending_messages", invitation)).toBe(0);
    expect(up.value("teacher_id_outbox_oldest_pending_age_seconds", invitation)).toBe(0);
    expect(up.value("teacher_id_mail_deliveries_total", { service: "records", transport: "smtp", outcome: "sent" })).toBe(1);
    expect(up.value("teacher_id_mail_transport_failing_seconds", { service: "records", transport: "smtp" })).toBe(0);
    expect(up.value("teacher_id_ready", { service: "records" })).toBe(1);
  }, 60_000);

  test("messages the outbox gave up on are counted as failed, by kind", async () => {
    const metricsUrl = metricsUrlIn(served.logs());
    const records = new Database(join(served.dataDir, "records.sqlite"));
    try {
      const before = await scrape(metricsUrl);
      const now = Date.now();
      records
        .query("INSERT INTO outbox (kind, payload, status, attempts, next_attempt_at, created_at, last_error) VALUES ('email', '{}', 'failed', 9, ?, ?, 'gave up')")
        .run(now, now - 3 * 86_400_000);
      const after = await scrape(metricsUrl);
      expect(after.value("teacher_id_outbox_failed_messages", { service: "records", kind: "email" }) - before.value("teacher_id_outbox_failed_messages", { service: "records", kind: "email" })).toBe(1);
      expect(after.value("teacher_id_outbox_pending_messages", { service: "records", kind: "email" })).toBe(0);
    } finally {
      records.close();
    }
  });
});

