// Issue 14, webhooks: a real HTTP subscriber outside identity (a Bun.serve here) verifies every
// delivery with the standardwebhooks package and sees the registration's events, in order, once each;
// killed and brought back, it gets what it missed, once each, in order. Production refuses http://
// and internal addresses at `webhooks add` (the built binary).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { runCli } from "../../src/main";
import { builtBinary } from "../helpers/binary";
import { Browser, addRecordsTeacher, authorize, createTrnToken } from "../helpers/identity-journey";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
const received: { id: string; type: string; data: Record<string, unknown> }[] = [];
let verifier: Webhook;
const subscriber = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    const body = await request.text();
    try {
      const message = verifier.verify(body, Object.fromEntries(request.headers)) as (typeof received)[number];
      received.push(message);
      return new Response(null, { status: 204 });
    } catch {
      return new Response("bad signature", { status: 401 });
    }
  },
});

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({ env: { SMTP_URL: smtp.url, OUTBOX_RETRY_MIN: "200ms", OUTBOX_RETRY_MAX: "500ms" } });
});
afterAll(async () => {
  subscriber.stop(true);
  await system.stop();
  await smtp.close();
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["identity", "webhooks", ...args], { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATA_DIR: system.dataDir, ENVIRONMENT: "development" } });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function until(check: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out; received ${JSON.stringify(received.map((m) => m.type))}`);
    await Bun.sleep(50);
  }
}

test("a registration reaches a subscriber as UserRegistered then UserSignedIn, each once, verified by standardwebhooks; test sends a Ping", async () => {
  const added = await cli(["add", "--url", `http://127.0.0.1:${subscriber.port}/hooks`, "--events", "UserRegistered,UserSignedIn,TrnBound"]);
  expect(added.code).toBe(0);
  const secret = /secret: (whsec_\S+)/.exec(added.out)![1]!;
  const id = /subscriber (wh_\S+)/.exec(added.out)![1]!;
  verifier = new Webhook(secret);

  const trn = "4500001";
  const email = "hooked@example.com";
  addRecordsTeacher(system.dataDir, { trn, email, firstName: "Hook", lastName: "Ed" });
  const browser = new Browser(system.urls.identity);
  await authorize(system, browser, { trnToken: await createTrnToken(system, { trn, email }) });
  await browser.post("/register");
  await browser.post("/register/phone", { noPhone: "yes" });
  await browser.post("/register/preferred-name", { choice: "0" });
  await browser.post("/register/check-answers");
  expect(browser.leftTo).toBeDefined();

  await until(() => received.length >= 2);
  await Bun.sleep(1500); // nothing more arrives (no duplicate)
  expect(received.map((m) => m.type)).toEqual(["UserRegistered", "UserSignedIn"]);
  expect(Number(received[0]!.id)).toBeLessThan(Number(received[1]!.id));
  expect(received[0]!.data).toMatchObject({ email, trn, preferredName: "Hook Ed", verified: true });

  // A wrong secret is refused by the subscriber: the delivery is signed with the stored one.
  expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString("base64")}`).verify("{}", { "webhook-id": "1", "webhook-timestamp": "1", "webhook-signature": "v1,x" })).toThrow();

  expect((await cli(["test", id])).code).toBe(0);
  await until(() => received.some((m) => m.type === "Ping"));
  const listed = await cli(["list"]);
  expect(listed.out).toContain(`${id}  http://127.0.0.1:${subscriber.port}/hooks  UserRegistered,UserSignedIn,TrnBound`);
  expect(listed.out).toContain("active");
  expect(listed.out).not.toContain(secret);
}, 60_000);

async function register(trn: string, email: string) {
  addRecordsTeacher(system.dataDir, { trn, email, firstName: "Kim", lastName: "Back" });
  const browser = new Browser(system.urls.identity);
  await authorize(system, browser, { trnToken: await createTrnToken(system, { trn, email }) });
  await browser.post("/register");
  await browser.post("/register/phone", { noPhone: "yes" });
  await browser.post("/register/preferred-name", { choice: "0" });
  await browser.post("/register/check-answers");
  expect(browser.leftTo).toBeDefined();
}

test("kill the subscriber and bring it back: delivery resumes, and every event arrives once, in order", async () => {
  // A second subscriber, on its own port, that can go away and come back.
  const got: { webhookId: string; type: string; data: Record<string, unknown> }[] = [];
  let check: Webhook;
  const serve = (port = 0) =>
    Bun.serve({
      port,
      hostname: "127.0.0.1",
      async fetch(request) {
        const body = await request.text();
        try {
          const message = check.verify(body, Object.fromEntries(request.headers)) as { type: string; data: Record<string, unknown> };
          got.push({ webhookId: request.headers.get("webhook-id")!, type: message.type, data: message.data });
          return new Response(null, { status: 204 });
        } catch {
          return new Response("bad signature", { status: 401 });
        }
      },
    });
  let server = serve();
  const port = server.port;
  const added = await cli(["add", "--url", `http://127.0.0.1:${port}/events`, "--events", "TrnTokenIssued,UserRegistered,UserSignedIn,UserUpdated"]);
  expect(added.code).toBe(0);
  check = new Webhook(/secret: (whsec_\S+)/.exec(added.out)![1]!);
  const id = /subscriber (wh_\S+)/.exec(added.out)![1]!;
  const failuresBefore = system.logs.filter((l) => l.event === "outbox_attempt_failed" && l.kind === "webhook").length;

  await register("4500011", "first@example.com");
  await until(() => got.length >= 3);
  server.stop(true);

  // Down: two more teachers register; identity keeps trying and failing.
  await register("4500012", "second@example.com");
  await register("4500013", "third@example.com");
  await until(() => system.logs.filter((l) => l.event === "outbox_attempt_failed" && l.kind === "webhook").length >= failuresBefore + 3);
  expect(got).toHaveLength(3);
  expect((await cli(["list"])).out).toMatch(new RegExp(`${id} .* failing since `));

  // Back on the same port: the rest arrive, once each, in event order.
  server = serve(port);
  try {
    await until(() => got.length >= 9);
    await Bun.sleep(1000); // and nothing more
    const perTeacher = ["TrnTokenIssued", "UserRegistered", "UserSignedIn"];
    expect(got.map((m) => m.type)).toEqual([...perTeacher, ...perTeacher, ...perTeacher]);
    expect(got.map((m) => m.data.trn)).toEqual(["4500011", "4500011", "4500011", "4500012", "4500012", "4500012", "4500013", "4500013", "4500013"]);
    const ids = got.map((m) => Number(m.webhookId));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect((await cli(["list"])).out).toMatch(new RegExp(`${id} .* active`));
  } finally {
    server.stop(true);
  }
}, 60_000);

test("dist/teacher-id in production refuses an http:// webhook URL and one at 127.0.0.1, and adds nothing", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "teacher-id-webhooks-production-"));
  const env = {
    PATH: process.env.PATH ?? "",
    DATA_DIR: dataDir,
    ENVIRONMENT: "production",
    IDENTITY_URL: "https://id.teacher.example",
    RECORDS_URL: "https://records.teacher.example",
    ACCESS_URL: "https://qualifications.teacher.example",
    SIGNING_KEY_PASSPHRASE: "a passphrase for this test only",
    SMTP_URL: "smtp://127.0.0.1:1",
    NOTIFY_API_KEY: `live-${crypto.randomUUID()}-${crypto.randomUUID()}`,
    NOTIFY_SMS_TEMPLATE_ID: crypto.randomUUID(),
    IDENTITY_CLIENT_ID: "identity-prod",
    IDENTITY_CLIENT_SECRET: "i".repeat(43),
    SUPPORT_EMAIL: "support@teacher.example",
    SUPPORT_RESPONSE_TIME: "5 working days",
  };
  const run = (...args: string[]) => {
    const done = Bun.spawnSync([builtBinary, "identity", "webhooks", ...args], { env, cwd: dataDir });
    return { code: done.exitCode, out: done.stdout.toString(), err: done.stderr.toString() };
  };
  try {
    const http = run("add", "--url", "http://records.teacher.example/webhooks/identity", "--events", "UserRegistered");
    expect(http.err).toContain("--url must be https:// in production");
    expect(http.code).toBe(2);
    const loopback = run("add", "--url", "https://127.0.0.1/webhooks/identity", "--events", "UserRegistered");
    expect(loopback.err).toContain("--url's host 127.0.0.1 resolves to 127.0.0.1, a loopback, link-local or private address");
    expect(loopback.code).toBe(2);
    const mapped = run("add", "--url", "https://[::ffff:169.254.169.254]/", "--events", "UserRegistered");
    expect(mapped.err).toContain("a loopback, link-local or private address");
    expect(mapped.code).toBe(2);
    expect(run("list").out).toContain("There are no webhook subscribers.");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 30_000);
