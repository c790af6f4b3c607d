// Issue 14, "records consumes them": `serve` subscribes records to identity's events; a teacher who
// registers shows up in GET /v2/teachers/{trn} as holding a Teacher ID account, since the
// registration. With records stopped, identity's outbox keeps retrying; started again on the same
// port and data directory, records receives the event (once) and the record says so.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { readProvisionedSecrets } from "../../src/config/internal-clients";
import { deleteAccount } from "../../src/identity/account/account-service";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { accounts } from "../../src/identity/db/schema";
import { actor, recordEvent, userMerged } from "../../src/identity/events/events";
import { Browser, addRecordsTeacher, authorize, createTrnToken } from "../helpers/identity-journey";
import { clientToken, registerApiClient } from "../helpers/records-support";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

const dataDir = mkdtempSync(join(tmpdir(), "teacher-id-records-events-"));
let smtp: TestSmtpServer;
let env: Record<string, string>;
const running: TestSystem[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  env = { SMTP_URL: smtp.url, OUTBOX_RETRY_MIN: "200ms", OUTBOX_RETRY_MAX: "500ms" };
});
afterAll(async () => {
  for (const system of running) await system.stop();
  await smtp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(only?: ("identity" | "records" | "access")[], ports?: TestSystem["ports"]) {
  const system = await startTestSystem({ env, dataDir, ports, only });
  running.push(system);
  return system;
}
async function stop(system: TestSystem) {
  running.splice(running.indexOf(system), 1);
  await system.stop();
}

async function teacherIdAccount(system: TestSystem, token: string, trn: string) {
  const response = await fetch(`${system.urls.records}/v2/teachers/${trn}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { teacherIdAccount: { exists: boolean; since: string | null } }).teacherIdAccount;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out; last ${JSON.stringify(value)}`);
    await Bun.sleep(100);
  }
}

test("a registration reaches records through the provisioned webhook; with records down the deletion waits in identity's outbox and arrives, once, when records is back", async () => {
  // The all-in-one serve: identity provisions the clients and records' subscription.
  const all = await start();
  const { ports } = all;
  const reader = await clientToken(all.urls.identity, registerApiClient(dataDir, ["teachers:read"]), "teachers:read");
  const trn = "4600001";
  const email = "held@example.com";
  addRecordsTeacher(dataDir, { trn, email, firstName: "Helen", lastName: "Held" });
  expect(await teacherIdAccount(all, reader, trn)).toEqual({ exists: false, since: null });

  const before = Date.now();
  const browser = new Browser(all.urls.identity);
  await authorize(all, browser, { trnToken: await createTrnToken(all, { trn, email }) });
  await browser.post("/register");
  await browser.post("/register/phone", { noPhone: "yes" });
  await browser.post("/register/preferred-name", { choice: "0" });
  await browser.post("/register/check-answers");
  expect(browser.leftTo).toBeDefined();
  const account = await until(() => teacherIdAccount(all, reader, trn), (a) => a.exists);
  // Since the registration (the event's time), not since the delivery.
  expect(Date.parse(account.since!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
  expect(Date.parse(account.since!)).toBeLessThanOrEqual(Date.now());
  await stop(all);

  // Records stopped; identity (with access) runs on at the same addresses.
  const identity = await start(["identity", "access"], ports);
  const identityDb = openIdentityDatabase(dataDir);
  try {
    const row = identityDb.select().from(accounts).where(eq(accounts.trn, trn)).get()!;
    deleteAccount(identityDb, row);
  } finally {
    identityDb.$client.close();
  }
  // identity tries, fails (records is not listening) and will try again.
  await until(
    async () => identity.logs.filter((l) => l.event === "outbox_attempt_failed" && l.kind === "webhook").length,
    (failures) => failures >= 2,
  );

  // records again, on the same port and data directory.
  const records = await start(["records"], ports);
  await until(() => teacherIdAccount(records, reader, trn), (a) => !a.exists);
  expect(await teacherIdAccount(records, reader, trn)).toEqual({ exists: false, since: null });
  await until(async () => identity.logs.some((l) => l.event === "outbox_message_sent" && l.kind === "webhook"), Boolean);
  await Bun.sleep(1000); // no second delivery of the same event
  const applied = records.logs.filter((l) => l.event === "identity_event_applied");
  expect(applied.map((l) => l.type)).toEqual(["UserDeleted"]);
}, 90_000);

test("records refuses a delivery signed with another secret (401 problem+json), a stale one, and ignores a replay", async () => {
  // Runs after the test above: its identity and restarted records, and the secret serve provisioned.
  const system = running.find((s) => s.configs.records) ?? (await start(["records"]));
  const secret = readProvisionedSecrets({ ENVIRONMENT: "development", DATA_DIR: dataDir }).identityWebhookSecret!;
  expect(secret).toStartWith("whsec_");
  const url = `${system.urls.records}/webhooks/identity`;
  const send = (key: string, id: string, at: Date, message: object) => {
    const body = JSON.stringify(message);
    return fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(key).sign(id, at, body),
      },
      body,
    });
  };
  const reader = await clientToken(system.urls.identity, registerApiClient(dataDir, ["teachers:read"]), "teachers:read");
  const trn = "4600002";
  addRecordsTeacher(dataDir, { trn, email: "forged@example.com" });
  const message = { id: "9001", type: "TrnBound", timestamp: new Date().toISOString(), data: { sub: "forged-sub", trn } };

  const forged = await send(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, "9001", new Date(), message);
  expect(forged.status).toBe(401);
  expect(forged.headers.get("content-type")).toBe("application/problem+json");
  expect(((await forged.json()) as { detail: string }).detail).toContain("signature");
  const stale = await send(secret, "9001", new Date(Date.now() - 6 * 60_000), message);
  expect(stale.status).toBe(401);
  expect(((await stale.json()) as { detail: string }).detail).toContain("5 minutes");
  expect(await teacherIdAccount(system, reader, trn)).toEqual({ exists: false, since: null });

  expect((await send(secret, "9001", new Date(), message)).status).toBe(204);
  expect((await teacherIdAccount(system, reader, trn)).exists).toBe(true);
  // The same webhook-id again, now saying the account is gone: a replay, answered but not applied.
  const replay = await send(secret, "9001", new Date(), { ...message, type: "UserDeleted", data: { sub: "forged-sub" } });
  expect(replay.status).toBe(204);
  expect((await teacherIdAccount(system, reader, trn)).exists).toBe(true);
}, 60_000);

/** Which account records says holds a TRN (read from its database). */
function holderAt(trn: string): string | undefined {
  const records = new Database(join(dataDir, "records.sqlite"), { readonly: true });
  try {
    return (records.query("select sub from teacher_id_accounts where trn = ?").get(trn) as { sub: string } | null)?.sub;
  } finally {
    records.close();
  }
}

test("UserMerged: a signed one moves the TRN to the account that remains; one recorded at identity (as the support console will) reaches records the same way", async () => {
  // Runs after the tests above: "forged-sub" holds 4600002 at records; identity and records run.
  const system = running.find((s) => s.configs.records)!;
  const identity = running.find((s) => s.configs.identity)!;
  const secret = readProvisionedSecrets({ ENVIRONMENT: "development", DATA_DIR: dataDir }).identityWebhookSecret!;
  const body = JSON.stringify({ id: "9002", type: "UserMerged", timestamp: new Date().toISOString(), data: { sub: "forged-sub", mergedIntoSub: "survivor-sub", trn: null } });
  const at = new Date();
  const merged = await fetch(`${system.urls.records}/webhooks/identity`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": "9002",
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign("9002", at, body),
    },
    body,
  });
  expect(merged.status).toBe(204);
  expect(holderAt("4600002")).toBe("survivor-sub");

  // identity: two accounts, the first with a TRN, merged into the second (which takes the TRN).
  const trn = "4600003";
  addRecordsTeacher(dataDir, { trn, email: "merged@example.com" });
  const identityDb = openIdentityDatabase(dataDir);
  let mergedSub: string;
  let survivorSub: string;
  try {
    const both = identityDb.transaction((tx) => {
      const one = insertAccount(tx, { email: "merged@example.com", phoneNumber: null, givenName: "Mia", familyName: "Merged", preferredName: null, birthdate: null, trn });
      const two = insertAccount(tx, { email: "kept@example.com", phoneNumber: null, givenName: "Mia", familyName: "Kept", preferredName: null, birthdate: null, trn: null });
      recordEvent(tx, { type: "TrnBound", actor: actor.operator(), subject: one.id, payload: { trn, via: "test" } });
      return [one.id, two.id] as const;
    });
    [mergedSub, survivorSub] = both;
    await until(async () => holderAt(trn), (holder) => holder === mergedSub);
    identityDb.transaction((tx) => {
      tx.update(accounts).set({ trn: null }).where(eq(accounts.id, mergedSub)).run();
      tx.update(accounts).set({ trn }).where(eq(accounts.id, survivorSub)).run();
      recordEvent(tx, userMerged(actor.operator(), { sub: mergedSub, mergedIntoSub: survivorSub, reason: "the same teacher registered twice" }));
    });
  } finally {
    identityDb.$client.close();
  }
  await until(async () => holderAt(trn), (holder) => holder === survivorSub);
  const delivered = system.logs.filter((l) => l.event === "identity_event_applied" && l.type === "UserMerged");
  expect(delivered).toHaveLength(2);
  expect(identity.logs.some((l) => l.event === "outbox_message_failed")).toBe(false);
}, 60_000);
