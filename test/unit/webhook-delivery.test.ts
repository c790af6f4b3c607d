// Issue 14, webhooks: what delivery does that a real clock and real DNS cannot show in a test.
// - production refuses URLs whose host resolves to an internal address, at `add` and again before
//   each send (a resolver injected here), and connects only to the address it checked;
// - a subscriber failing for a day is disabled and logged (the worker's clock injected), and
//   `enable` sends what it missed, in order;
// - deliveries to one subscriber go in event order, a waiting one costs no attempt, and one sent
//   makes the next due at once.
import { afterAll, afterEach, beforeEach, describe, expect, setSystemTime, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { webhookSubscriptions } from "../../src/identity/db/schema";
import { recordEvent } from "../../src/identity/events/events";
import { post, productionGuard, signedRequest, webhookHandler } from "../../src/identity/webhooks/delivery";
import { addSubscription, enableSubscription, findSubscription, isInternalAddress, webhookUrlProblem } from "../../src/identity/webhooks/subscriptions";
import { createLogger } from "../../src/log/logger";
import { outbox } from "../../src/outbox/schema";
import { createOutboxWorker } from "../../src/outbox/worker";

const dataDir = mkdtempSync(join(tmpdir(), "teacher-id-webhook-delivery-"));
const db: IdentityDatabaseFile = openIdentityDatabase(dataDir);
const key = Buffer.alloc(32, 9);
const logs: { event: string; level: string; [k: string]: unknown }[] = [];
const logger = createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });

let up = true;
const received: { id: string; type: string; data: Record<string, unknown> }[] = [];
const hosts: string[] = [];
let verifier: Webhook | undefined;
const subscriber = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(request) {
    hosts.push(request.headers.get("host") ?? "");
    const body = await request.text();
    if (!up) return new Response("down", { status: 503 });
    if (verifier) received.push(verifier.verify(body, Object.fromEntries(request.headers)) as (typeof received)[number]);
    return new Response(null, { status: 204 });
  },
});
const url = `http://127.0.0.1:${subscriber.port}/hooks`;

afterAll(() => {
  subscriber.stop(true);
  db.$client.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  db.run(sql`delete from outbox`);
  db.delete(webhookSubscriptions).run();
  received.length = 0;
  hosts.length = 0;
  logs.length = 0;
  up = true;
  verifier = undefined;
});
// The worker's clock, and Date.now() with it (the subscriber's standardwebhooks checks timestamps).
let now = Date.now();
const clock = () => now;
function setClock(at: number) {
  now = at;
  setSystemTime(new Date(at));
}
const advance = (ms: number) => setClock(now + ms);
afterEach(() => setSystemTime());

describe("SSRF: which addresses production refuses", () => {
  test("loopback, link-local, RFC 1918, CGNAT, 0.0.0.0, ULA, ::1 and IPv4-mapped IPv6 are internal; public addresses are not", () => {
    const internal = ["127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "0:0:0:0:0:ffff:a9fe:a9fe", "[::1]", "224.0.0.1", "not-an-ip"];
    const external = ["8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"];
    expect(internal.filter((address) => !isInternalAddress(address))).toEqual([]);
    expect(external.filter(isInternalAddress)).toEqual([]);
  });

  test("webhooks add: production wants https and a host resolving only to public addresses; development allows http and localhost", async () => {
    const dns: Record<string, string[]> = { "hooks.example": ["93.184.216.34"], "inside.example": ["10.0.0.7"], "mixed.example": ["93.184.216.34", "fd00::1"] };
    const resolve = async (host: string) => dns[host] ?? [];
    expect(await webhookUrlProblem("https://hooks.example/x", "production", resolve)).toBeUndefined();
    expect(await webhookUrlProblem("http://hooks.example/x", "production", resolve)).toBe("--url must be https:// in production");
    expect(await webhookUrlProblem("https://inside.example/x", "production", resolve)).toContain("resolves to 10.0.0.7, a loopback, link-local or private address");
    expect(await webhookUrlProblem("https://mixed.example/x", "production", resolve)).toContain("resolves to fd00::1");
    expect(await webhookUrlProblem("https://127.0.0.1/x", "production", resolve)).toContain("resolves to 127.0.0.1");
    expect(await webhookUrlProblem("https://[::ffff:127.0.0.1]/x", "production", resolve)).toContain("loopback, link-local or private");
    expect(await webhookUrlProblem("https://nowhere.example/x", "production", resolve)).toContain("does not resolve");
    expect(await webhookUrlProblem("http://127.0.0.1:4001/webhooks/identity", "development", resolve)).toBeUndefined();
    expect(await webhookUrlProblem("http://localhost/x", "development", resolve)).toBeUndefined();
  });

  test("at each send the host is resolved again and checked, and the connection goes to the checked address", async () => {
    // subscriber.invalid cannot resolve through real DNS: reaching the server proves the request
    // went to the address the guard handed over. This test's policy counts 127.0.0.1 as public.
    let answer = ["127.0.0.1"];
    const lookups: string[] = [];
    const guard = { resolve: async (host: string) => (lookups.push(host), answer), refuse: (address: string) => address !== "127.0.0.1" };
    const request = signedRequest(`whsec_${key.toString("base64")}`, { id: "1", type: "Ping", timestamp: new Date().toISOString(), data: {} });
    const target = `http://subscriber.invalid:${subscriber.port}/hooks`;
    await post(target, request, { guard, requireHttps: false });
    expect(hosts).toEqual([`subscriber.invalid:${subscriber.port}`]);
    // The name now resolves to an internal address: refused before any connection.
    answer = ["10.0.0.7"];
    await expect(post(target, request, { guard, requireHttps: false })).rejects.toThrow("resolves to 10.0.0.7, a loopback, link-local or private address");
    answer = ["127.0.0.1", "169.254.169.254"];
    await expect(post(target, request, { guard, requireHttps: false })).rejects.toThrow("169.254.169.254");
    expect(lookups).toEqual(["subscriber.invalid", "subscriber.invalid", "subscriber.invalid"]);
    expect(hosts).toHaveLength(1);
    // The production guard: http is refused, and so is an internal address written in the URL.
    await expect(post(url, request, { guard: productionGuard(async () => ["93.184.216.34"]) })).rejects.toThrow("not https://");
    await expect(post(url, request, { guard: productionGuard(), requireHttps: false })).rejects.toThrow("127.0.0.1 is loopback, link-local or private");
    expect(hosts).toHaveLength(1);
  });

  test("a production handler does not deliver to a subscriber whose host now resolves to a private address", async () => {
    const { subscription } = addSubscription(db, key, { url: "https://hooks.example/x", events: ["UserUpdated"] });
    const worker = createOutboxWorker({ name: "t", db, logger, handlers: { webhook: webhookHandler({ db, secretKey: key, logger, environment: "production", resolve: async () => ["192.168.0.10"] }) } });
    db.transaction((tx) => recordEvent(tx, { type: "UserUpdated", actor: "operator:cli", subject: "someone", payload: { sub: "someone" } }));
    await worker.runOnce();
    const row = db.select().from(outbox).get()!;
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.lastError).toContain("resolves to 192.168.0.10, a loopback, link-local or private address");
    expect(findSubscription(db, subscription.id)!.failingSince).not.toBeNull();
  });
});

describe("a subscriber failing for a day", () => {
  test("is disabled and logged once a day has passed without a 2xx; list shows it; enable sends what it missed, once each, in order", async () => {
    setClock(Date.now() + 1000);
    const start = now;
    const { subscription, secret } = addSubscription(db, key, { url, events: ["UserUpdated"] }, now);
    verifier = new Webhook(secret);
    const worker = createOutboxWorker({
      name: "t",
      db,
      logger,
      now: clock,
      timing: { retryMinMs: 1000, retryMaxMs: 60_000 },
      handlers: { webhook: webhookHandler({ db, secretKey: key, logger, now: clock }) },
    });
    const event = (n: number) => db.transaction((tx) => recordEvent(tx, { type: "UserUpdated", actor: "operator:cli", subject: `sub-${n}`, payload: { sub: `sub-${n}`, n } }, now));
    up = false;
    event(1);
    event(2);
    await worker.runOnce();
    expect(findSubscription(db, subscription.id)).toMatchObject({ failingSince: now, disabledAt: null });
    // 23 hours of failures: still enabled, still retrying.
    advance(23 * 3_600_000);
    await worker.runOnce();
    expect(findSubscription(db, subscription.id)!.disabledAt).toBeNull();
    expect(logs.filter((l) => l.event === "webhook_subscriber_disabled")).toEqual([]);
    // A day: disabled, logged, its deliveries given up; events recorded now are not queued for it.
    advance(3_600_000);
    await worker.runOnce();
    expect(findSubscription(db, subscription.id)!.disabledAt).toBe(now);
    // The delivery behind it gives up when it next looks (within a minute).
    advance(60_000);
    await worker.runOnce();
    const disabled = logs.filter((l) => l.event === "webhook_subscriber_disabled");
    expect(disabled).toHaveLength(1);
    expect(disabled[0]).toMatchObject({ level: "error", subscription_id: subscription.id, failing_since: new Date(start).toISOString() });
    expect(db.select({ status: outbox.status }).from(outbox).all().map((r) => r.status)).toEqual(["failed", "failed"]);
    event(3);
    expect(db.select().from(outbox).all()).toHaveLength(2);

    const { runCli } = await import("../../src/main");
    const out: string[] = [];
    const cli = (...args: string[]) => runCli(["identity", "webhooks", ...args], { out: (l) => out.push(l), err: (l) => out.push(l), env: { DATA_DIR: dataDir, ENVIRONMENT: "development" } });
    expect(await cli("list")).toBe(0);
    expect(out.join("\n")).toContain(`${subscription.id}  ${url}  UserUpdated  added ${new Date(start).toISOString()}  DISABLED since ${new Date(now - 60_000).toISOString()}`);

    // Fixed and enabled again: the two that failed and the one recorded while disabled, in order.
    up = true;
    expect(enableSubscription(db, subscription.id, 3 * 86_400_000, now)).toBe(3);
    expect(enableSubscription(db, "wh_nobody", 3 * 86_400_000, now)).toBeNull();
    for (let round = 0; round < 10 && received.length < 3; round++) await worker.runOnce();
    expect(received.map((m) => m.data.n)).toEqual([1, 2, 3]);
    out.length = 0;
    await cli("list");
    expect(out.join("\n")).toContain("active");
    // Enabling again queues nothing twice.
    expect(enableSubscription(db, subscription.id, 3 * 86_400_000, now)).toBe(0);
  });
});

describe("order per subscriber", () => {
  test("a delivery waiting for an earlier one costs no attempt; once the subscriber is back each arrives once, in order, without waiting out a backoff", async () => {
    setClock(Date.now() + 1000);
    const start = now;
    const { secret } = addSubscription(db, key, { url, events: ["UserUpdated"] }, now);
    verifier = new Webhook(secret);
    const worker = createOutboxWorker({
      name: "t",
      db,
      logger,
      now: clock,
      timing: { retryMinMs: 1000, retryMaxMs: 60_000 },
      handlers: { webhook: webhookHandler({ db, secretKey: key, logger, now: clock }) },
    });
    up = false;
    for (let n = 1; n <= 5; n++) db.transaction((tx) => recordEvent(tx, { type: "UserUpdated", actor: "operator:cli", subject: `sub-${n}`, payload: { sub: `sub-${n}`, n } }, now));
    // Ten minutes of failures: only the first delivery is ever tried; its backoff stays capped.
    for (let i = 0; i < 40; i++) {
      await worker.runOnce();
      advance(15_000);
    }
    const rows = db.select().from(outbox).orderBy(outbox.id).all();
    expect(rows.map((r) => r.attempts)).toEqual([rows[0]!.attempts, 0, 0, 0, 0]);
    expect(rows[0]!.attempts).toBeGreaterThan(5);
    expect(rows[0]!.nextAttemptAt - now).toBeLessThanOrEqual(60_000);
    expect(logs.filter((l) => l.event === "outbox_attempt_failed").every((l) => l.id === rows[0]!.id)).toBe(true);

    // Back: within one capped backoff step the first goes, and each one sent makes the next due at once.
    up = true;
    advance(60_000);
    for (let round = 0; round < 10 && received.length < 5; round++) await worker.runOnce();
    expect(received.map((m) => m.data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(db.select({ status: outbox.status }).from(outbox).all().every((r) => r.status === "sent")).toBe(true);
    expect(db.select().from(outbox).where(eq(outbox.id, rows[4]!.id)).get()!.attempts).toBe(1);
  });
});
