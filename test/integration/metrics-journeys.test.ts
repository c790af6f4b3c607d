// The identity counters the seed flow in metrics.test.ts does not reach: a registration finished
// by an existing account, a refresh token, a refused code check; and how a mail transport's
// deliveries are told apart. Real services in this process, scraped over HTTP at their METRICS_PORT.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { trnTokens } from "../../src/identity/db/schema";
import { loadIdentityConfig } from "../../src/identity/settings";
import { createLogger } from "../../src/log/logger";
import { createMailer } from "../../src/mail/mailer";
import { PermanentFailure } from "../../src/outbox/worker";
import { sha256 } from "../../src/security/tokens";
import { Browser, addRecordsTeacher, authorize, createTrnToken, emailedCode, pageText, type Authorization } from "../helpers/identity-journey";
import { scrape, type Scrape } from "../helpers/metrics";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
let nextTrn = 3700001;

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({ env: { SMTP_URL: smtp.url, CODE_CHECK_LIMIT_PER_ADDRESS_AND_IP: "1" } });
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  db.$client.close();
  await system.stop();
  await smtp.close();
});

const scrapeNow = () => scrape(system.system.metricsUrl);
const moved = (later: Scrape, earlier: Scrape, name: string, labels: Record<string, string> = {}) => later.value(name, labels) - earlier.value(name, labels);

function newTeacher() {
  const trn = String(nextTrn++);
  const email = `m${trn}@example.com`;
  addRecordsTeacher(system.dataDir, { trn, email });
  return { trn, email };
}

/** The client's side of the code exchange, keeping the refresh token. */
async function exchange(browser: Browser, auth: Authorization, form: Record<string, string>) {
  const { clientId, clientSecret } = internalClientCredentials(system.config, "access");
  const code = browser.leftTo ? new URL(browser.leftTo).searchParams.get("code") : null;
  const body = form.grant_type === "authorization_code" ? { ...form, code: code!, redirect_uri: auth.redirectUri, code_verifier: auth.verifier } : form;
  const response = await fetch(`${system.urls.identity}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}` },
    body: new URLSearchParams(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { refresh_token: string };
}

describe("identity's counters", () => {
  test("a registration finished by signing in to the existing account counts as finished (existing), then its refresh token as a refresh_token grant", async () => {
    const teacher = newTeacher();
    const account = insertAccount(db, { email: teacher.email, phoneNumber: null, givenName: "Kim", familyName: "Lee", preferredName: null, birthdate: null, trn: null });
    const before = await scrapeNow();
    const token = await createTrnToken(system, teacher);
    const browser = new Browser(system.urls.identity);
    const auth = await authorize(system, browser, { trnToken: token });
    expect(pageText(browser.html)).toContain("You already have a Teacher ID account");
    const sent = Date.now();
    await browser.post("/register/continue");
    await browser.post("/sign-in/code", { code: await emailedCode(smtp, teacher.email, sent) });
    expect(browser.leftTo).toStartWith(`${system.urls.access}/sign-in/callback?`);
    expect(db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!.accountId).toBe(account.id);
    const finished = await scrapeNow();
    expect(moved(finished, before, "teacher_id_registrations_started_total")).toBe(1);
    expect(moved(finished, before, "teacher_id_registrations_finished_total", { account: "existing" })).toBe(1);
    expect(moved(finished, before, "teacher_id_registrations_finished_total", { account: "new" })).toBe(0);

    const { refresh_token } = await exchange(browser, auth, { grant_type: "authorization_code" });
    await exchange(browser, auth, { grant_type: "refresh_token", refresh_token });
    const refreshed = await scrapeNow();
    expect(moved(refreshed, finished, "teacher_id_tokens_issued_total", { grant_type: "authorization_code" })).toBe(1);
    expect(moved(refreshed, finished, "teacher_id_tokens_issued_total", { grant_type: "refresh_token" })).toBe(1);
  });

  test("a code check past CODE_CHECK_LIMIT_PER_ADDRESS_AND_IP is a 429 counted as a refused check", async () => {
    const teacher = newTeacher();
    insertAccount(db, { email: teacher.email, phoneNumber: null, givenName: "Ada", familyName: "Ng", preferredName: null, birthdate: null, trn: null });
    const browser = new Browser(system.urls.identity);
    await authorize(system, browser, { scope: "openid email" });
    await browser.post("/sign-in", { email: teacher.email });
    expect(pageText(browser.html)).toContain("Check your email");
    const before = await scrapeNow();
    await browser.post("/sign-in/code", { code: "000000" });
    expect(browser.status).toBe(400);
    expect(pageText(browser.html)).toContain("The security code is incorrect");
    await browser.post("/sign-in/code", { code: "000000" });
    expect(browser.status).toBe(429);
    const after = await scrapeNow();
    expect(moved(after, before, "teacher_id_rate_limit_refusals_total", { limit: "check" })).toBe(1);
    expect(moved(after, before, "teacher_id_rate_limit_refusals_total", { limit: "send" })).toBe(0);
    expect(moved(after, before, "teacher_id_http_requests_total", { service: "identity", method: "POST", route: "/sign-in/code", status: "429" })).toBe(1);
  });
});

describe("mail transports' deliveries", () => {
  test("Notify: sent, refused for good (400: the server is up) and failed (5xx) are told apart, and only a failure starts 'failing since'", async () => {
    let status = 201;
    const dataDir = mkdtempSync(join(tmpdir(), "teacher-id-notify-"));
    const notify = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ id: "x" }, { status }) });
    const mailer = createMailer(
      loadIdentityConfig({
        DATA_DIR: dataDir,
        NOTIFY_API_KEY: `test-${crypto.randomUUID()}-${crypto.randomUUID()}`,
        NOTIFY_SMS_TEMPLATE_ID: crypto.randomUUID(),
        NOTIFY_BASE_URL: `http://127.0.0.1:${notify.port}`,
      }),
      createLogger({ write: () => {} }),
    );
    try {
      const [health] = mailer.dependencies;
      expect(health).toMatchObject({ name: "notify", required: false });
      await mailer.sendSms({ to: "+447700900123", text: "x" });
      status = 400;
      await expect(mailer.sendSms({ to: "+447700900123", text: "x" })).rejects.toBeInstanceOf(PermanentFailure);
      expect(health.failingSince).toBeUndefined();
      status = 503;
      await expect(mailer.sendSms({ to: "+447700900123", text: "x" })).rejects.toThrow();
      expect(health.counts).toEqual({ sent: 1, rejected: 1, failed: 1 });
      expect(health.failingSince).toBeNumber();
    } finally {
      mailer.close();
      notify.stop(true);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
