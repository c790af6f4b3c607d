import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createLogger } from "../../src/log/logger";
import { enqueueEmail, enqueueMessage } from "../../src/outbox/enqueue";
import { outbox } from "../../src/outbox/schema";
import { loadRecordsConfig } from "../../src/records/settings";
import { claimDueMessages, createOutboxWorker, outboxTimingFromConfig, PermanentFailure, retryDelay } from "../../src/outbox/worker";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";

let dir: string;
let db: RecordsDatabase;
let logs: Record<string, any>[];
const logger = () => createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line)) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "outbox-"));
  db = openRecordsDatabase(dir);
  logs = [];
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (id: number) => db.select().from(outbox).where(eq(outbox.id, id)).get()!;

describe("outbox worker", () => {
  test("sends a due message once and marks it sent", async () => {
    const seen: unknown[] = [];
    const id = enqueueEmail(db, { to: "jane@example.com", subject: "Hi", text: "Hello" })!;
    const worker = createOutboxWorker({ name: "t", db, logger: logger(), handlers: { email: async (p) => void seen.push(p) } });
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    expect(seen).toEqual([{ to: "jane@example.com", subject: "Hi", text: "Hello" }]);
    expect(row(id)).toMatchObject({ status: "sent", attempts: 1, claimedUntil: null });
    const sentLog = logs.find((l) => l.event === "outbox_message_sent");
    expect(sentLog).toMatchObject({ id, kind: "email" });
    expect(JSON.stringify(logs)).not.toContain("jane@example.com");
  });

  test("a failure is retried later with backoff, and the error is logged without the address", async () => {
    let now = 1_000_000;
    let fail = true;
    const id = enqueueEmail(db, { to: "jane@example.com", subject: "Hi", text: "Hello" }, now)!;
    const worker = createOutboxWorker({
      name: "t",
      db,
      logger: logger(),
      now: () => now,
      timing: { retryMinMs: 1000, retryMaxMs: 60_000 },
      handlers: {
        email: async () => {
          if (fail) throw new Error("550 jane@example.com mailbox busy");
        },
      },
    });
    await worker.runOnce();
    const afterFailure = row(id);
    expect(afterFailure.status).toBe("pending");
    expect(afterFailure.attempts).toBe(1);
    expect(afterFailure.nextAttemptAt).toBeGreaterThanOrEqual(now + 500);
    expect(afterFailure.nextAttemptAt).toBeLessThanOrEqual(now + 1000);
    const warning = logs.find((l) => l.event === "outbox_attempt_failed");
    expect(warning?.error).toContain("j***@example.com");
    expect(JSON.stringify(logs)).not.toContain("jane@example.com");
    // Not due yet: nothing happens.
    expect(await worker.runOnce()).toBe(0);
    now = afterFailure.nextAttemptAt;
    fail = false;
    expect(await worker.runOnce()).toBe(1);
    expect(row(id)).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  test("retry delays grow exponentially, stay within bounds, and are jittered", () => {
    const timing = { retryMinMs: 1000, retryMaxMs: 10_000 };
    expect(retryDelay(1, timing, () => 0)).toBe(500);
    expect(retryDelay(1, timing, () => 1)).toBe(1000);
    expect(retryDelay(3, timing, () => 1)).toBe(4000);
    expect(retryDelay(30, timing, () => 1)).toBe(10_000);
    expect(retryDelay(30, timing, () => 0)).toBe(5000);
  });

  test("a message older than the maximum age is marked failed after a failed attempt", async () => {
    let now = 0;
    const id = enqueueEmail(db, { to: "a@example.com", subject: "s", text: "t" }, now)!;
    const worker = createOutboxWorker({
      name: "t",
      db,
      logger: logger(),
      now: () => now,
      timing: { maxAgeMs: 10_000, retryMinMs: 1000 },
      handlers: { email: async () => Promise.reject(new Error("down")) },
    });
    await worker.runOnce();
    expect(row(id).status).toBe("pending");
    now = 10_000;
    await worker.runOnce();
    expect(row(id)).toMatchObject({ status: "failed", attempts: 2, lastError: "down" });
    expect(logs.find((l) => l.event === "outbox_message_failed")).toMatchObject({ id, level: "error", because: "max_age" });
    now = 100_000;
    expect(await worker.runOnce()).toBe(0);
  });

  test("a permanent failure is not retried and is logged as an error", async () => {
    const id = enqueueEmail(db, { to: "a@example.com", subject: "s", text: "t" })!;
    const worker = createOutboxWorker({
      name: "t",
      db,
      logger: logger(),
      handlers: { email: async () => Promise.reject(new PermanentFailure("bad address")) },
    });
    await worker.runOnce();
    expect(row(id).status).toBe("failed");
    expect(logs.find((l) => l.event === "outbox_message_failed")).toMatchObject({ because: "permanent" });
  });

  test("a kind with no handler is kept and retried, never dropped", async () => {
    const id = enqueueMessage(db, { kind: "mystery", payload: {} })!;
    const worker = createOutboxWorker({ name: "t", db, logger: logger(), handlers: {} });
    await worker.runOnce();
    expect(row(id)).toMatchObject({ status: "pending", attempts: 1, lastError: "no handler for kind mystery" });
  });

  test("a payload stored by the handler survives a failed attempt, and the retry sees it", async () => {
    const id = enqueueMessage(db, { kind: "invite", payload: { trn: "1234567" } }, 0)!;
    const payloads: any[] = [];
    let now = 0;
    const worker = createOutboxWorker({
      name: "t",
      db,
      logger: logger(),
      now: () => now,
      timing: { retryMinMs: 10 },
      handlers: {
        invite: async (payload, context) => {
          payloads.push(payload);
          if (!payload.link) {
            context.updatePayload({ ...payload, link: "https://x/1" });
            throw new Error("smtp down");
          }
          return { storePayload: { trn: payload.trn, link: "[removed]" } };
        },
      },
    });
    await worker.runOnce();
    expect(JSON.parse(row(id).payload)).toEqual({ trn: "1234567", link: "https://x/1" });
    now = 1000;
    await worker.runOnce();
    expect(payloads[1]).toEqual({ trn: "1234567", link: "https://x/1" });
    expect(row(id).status).toBe("sent");
    expect(JSON.parse(row(id).payload)).toEqual({ trn: "1234567", link: "[removed]" });
  });

  test("a claimed message is not claimed again until its claim expires (a crash mid-send is retried)", () => {
    const id = enqueueEmail(db, { to: "a@example.com", subject: "s", text: "t" }, 0)!;
    expect(claimDueMessages(db, 10, 1000, 60_000).map((m) => m.id)).toEqual([id]);
    expect(claimDueMessages(db, 10, 2000, 60_000)).toEqual([]);
    // The process that claimed it died; after the claim timeout another worker takes it.
    expect(claimDueMessages(db, 10, 61_001, 60_000).map((m) => m.id)).toEqual([id]);
  });

  test("a dedupe key makes a second enqueue a no-op", () => {
    expect(enqueueMessage(db, { kind: "k", payload: {}, dedupeKey: "x" })).toBeNumber();
    expect(enqueueMessage(db, { kind: "k", payload: {}, dedupeKey: "x" })).toBeUndefined();
    expect(db.select().from(outbox).all()).toHaveLength(1);
  });

  test("a nudge wakes the running worker at once, and stop() waits for the message in flight", async () => {
    let release!: () => void;
    const started: number[] = [];
    const finished: number[] = [];
    const worker = createOutboxWorker({
      name: "t",
      db,
      logger: logger(),
      timing: { pollIntervalMs: 60_000 },
      handlers: {
        email: async (_p, { id }) => {
          started.push(id);
          await new Promise<void>((r) => (release = r));
          finished.push(id);
        },
      },
    });
    worker.start();
    await Bun.sleep(20); // the worker is now asleep for a minute
    const id = enqueueEmail(db, { to: "a@example.com", subject: "s", text: "t" })!;
    worker.nudge();
    for (let i = 0; i < 100 && started.length === 0; i++) await Bun.sleep(5);
    expect(started).toEqual([id]);
    const stopped = worker.stop();
    let stoppedYet = false;
    stopped.then(() => (stoppedYet = true));
    await Bun.sleep(20);
    expect(stoppedYet).toBe(false);
    release();
    await stopped;
    expect(finished).toEqual([id]);
    expect(row(id).status).toBe("sent");
  });

  test("two workers on two connections to the same database never handle a message twice", async () => {
    const ids = db.transaction((tx) =>
      Array.from({ length: 60 }, (_, i) => enqueueEmail(tx, { to: `t${i}@example.com`, subject: "s", text: "t" }, 0)!),
    );
    const other = openRecordsDatabase(dir);
    const handled: number[] = [];
    const handler = async (_p: unknown, { id }: { id: number }) => {
      await Bun.sleep(1);
      handled.push(id);
    };
    const a = createOutboxWorker({ name: "a", db, logger: logger(), timing: { batchSize: 7 }, handlers: { email: handler } });
    const b = createOutboxWorker({ name: "b", db: other, logger: logger(), timing: { batchSize: 7 }, handlers: { email: handler } });
    try {
      while ((await Promise.all([a.runOnce(), b.runOnce()])).some((n) => n > 0)) {}
    } finally {
      other.$client.close();
    }
    expect(handled.sort((x, y) => x - y)).toEqual(ids);
  });

  test("timing comes from OUTBOX_* settings: messages are given up after 3 days by default", () => {
    expect(outboxTimingFromConfig(loadRecordsConfig({}))).toEqual({
      maxAgeMs: 3 * 86_400_000,
      retryMinMs: 2_000,
      retryMaxMs: 15 * 60_000,
      claimTimeoutMs: 120_000,
    });
    expect(outboxTimingFromConfig(loadRecordsConfig({ OUTBOX_MAX_AGE: "12h", OUTBOX_RETRY_MIN: "500ms" }))).toMatchObject({
      maxAgeMs: 12 * 3_600_000,
      retryMinMs: 500,
    });
  });
});
