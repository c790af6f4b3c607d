// Issue 14, webhooks: a real HTTP subscriber outside identity (a Bun.serve here) verifies every
// delivery with the standardwebhooks package and sees the registration's events, in order, once each.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Webhook } from "standardwebhooks";
import { runCli } from "../../src/main";
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
