// The invitation survives outages: identity down when records wants a TRN token, and the records
// process killed with SIGKILL while an SMTP server holds the email mid-send.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { trnTokens } from "../../src/identity/db/schema";
import { outbox } from "../../src/outbox/schema";
import { openRecordsDatabase } from "../../src/records/db/database";
import { demoTeacher } from "../../src/records/demo/demo-teachers";
import { startServeProcess } from "../helpers/binary";
import { freshServicePorts, retryOnPortClash } from "../helpers/ports";
import { startSmtpServer } from "../helpers/smtp";
import { startTestSystem, testEnv } from "../helpers/system";
import { clientToken, putOutcome, registerApiClient } from "../helpers/records-support";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "outbox-resilience-"));
  dirs.push(dir);
  return dir;
};

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await Bun.sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function invitationRow(dataDir: string) {
  const db = openRecordsDatabase(dataDir);
  try {
    return db.select().from(outbox).where(eq(outbox.dedupeKey, `qts-invitation:${demoTeacher.trn}`)).get();
  } finally {
    db.$client.close();
  }
}

function trnTokenCount(dataDir: string, trn: string): number {
  const db = openIdentityDatabase(dataDir);
  try {
    return db.select().from(trnTokens).where(eq(trnTokens.trn, trn)).all().length;
  } finally {
    db.$client.close();
  }
}

const pass = { ittProviderUkprn: demoTeacher.ukprn, outcome: "Pass", assessmentDate: "2026-07-01" };
const demoEmail = "amelia.clarke@example.com";

describe("outbox resilience", () => {
  test("identity down, then up: the invitation goes out after it comes back, once", async () => {
    const smtp = await startSmtpServer();
    // Both on the same fresh ports (each knows the other's URL); after a port clash, all again from scratch.
    const started = await retryOnPortClash(async () => {
      const dataDir = freshDir();
      const ports = freshServicePorts();
      // Separate processes in production would each have their own credentials in the environment.
      const identity = await startTestSystem({ only: ["identity"], dataDir, ports });
      try {
        const recordsClient = registerApiClient(dataDir, ["trn_token:write"]);
        const awarding = registerApiClient(dataDir, ["itt_outcome:write"]);
        const records = await startTestSystem({
          only: ["records"],
          dataDir,
          ports,
          env: {
            SMTP_URL: smtp.url,
            RECORDS_CLIENT_ID: recordsClient.clientId,
            RECORDS_CLIENT_SECRET: recordsClient.clientSecret,
            OUTBOX_RETRY_MIN: "100ms",
            OUTBOX_RETRY_MAX: "300ms",
          },
        });
        return { dataDir, ports, identity, records, awarding };
      } catch (error) {
        await identity.stop();
        throw error;
      }
    });
    const { dataDir, ports, records, awarding } = started;
    let { identity } = started;
    try {
      const token = await clientToken(identity.urls.identity, awarding, "itt_outcome:write");
      // records fetches identity's keys once; its verifier then keeps them (and this token).
      const warmUp = await putOutcome(records.urls.records, token, "1234568", "1997-11-02", { ittProviderUkprn: "10000002", outcome: "Deferred" });
      expect(warmUp.status).toBe(200);

      await identity.stop();
      const reply = await putOutcome(records.urls.records, token, demoTeacher.trn, demoTeacher.birthdate, pass);
      expect(reply.status).toBe(200);
      const failing = await until("a failed attempt while identity is down", () => {
        const row = invitationRow(dataDir);
        return row && row.attempts >= 2 ? row : undefined;
      });
      expect(failing.status).toBe("pending");
      expect(smtp.messages).toHaveLength(0);
      expect(records.logs.some((l) => l.event === "outbox_attempt_failed" && l.kind === "qts-invitation")).toBe(true);

      identity = await startTestSystem({ only: ["identity"], dataDir, ports });
      const message = await smtp.waitForMessage(demoEmail);
      expect(message.text).toContain(`${records.urls.access}/register?trn_token=`);
      await until("the message marked sent", () => invitationRow(dataDir)?.status === "sent");
      expect(smtp.messages.filter((m) => m.to.includes(demoEmail))).toHaveLength(1);
      expect(trnTokenCount(dataDir, demoTeacher.trn)).toBe(1);
    } finally {
      await records.stop();
      await identity.stop();
      await smtp.close();
    }
  });

  test("records killed with SIGKILL while the SMTP server holds the email: it goes out after restart", async () => {
    // An SMTP server that, while `hang` is set, reads the whole message and never answers.
    const state = { hang: true, heldFor: [] as string[], accepted: [] as { to: string[]; text: string }[] };
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", async () => {
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          if (state.hang) {
            state.heldFor.push(...to);
            return; // never calls back: the sender waits mid-send
          }
          const parsed = await simpleParser(Buffer.concat(chunks));
          state.accepted.push({ to, text: parsed.text ?? "" });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
    const smtpPort = (smtp.server.address() as { port: number }).port;

    const main = resolve(import.meta.dir, "../../src/main.ts");
    const serve = (env: Record<string, string>) => startServeProcess([process.execPath, main, "serve"], { env });
    // The restart below comes back on the same ports; only the first start can take new ones.
    const first = await retryOnPortClash(async () => {
      const dataDir = freshDir();
      const { env } = testEnv({
        dataDir,
        env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, OUTBOX_CLAIM_TIMEOUT: "1s", OUTBOX_RETRY_MIN: "100ms", LOG_LEVEL: "info" },
      });
      return { dataDir, env, child: await serve(env) };
    });
    const { dataDir, env } = first;
    let child = first.child;
    try {
      const awarding = registerApiClient(dataDir, ["itt_outcome:write"]);
      const token = await clientToken(env.IDENTITY_URL, awarding, "itt_outcome:write");
      expect((await putOutcome(env.RECORDS_URL, token, demoTeacher.trn, demoTeacher.birthdate, pass)).status).toBe(200);

      await until("the email to be held mid-send", () => state.heldFor.includes(demoEmail));
      const claimed = invitationRow(dataDir)!;
      expect(claimed.status).toBe("pending");
      expect(claimed.claimedUntil).not.toBeNull();
      await child.stop("SIGKILL");

      state.hang = false;
      child = await serve(env);
      await until("the email to be accepted after restart", () => state.accepted.find((m) => m.to.includes(demoEmail)));
      await until("the message marked sent", () => invitationRow(dataDir)?.status === "sent");
      expect(state.accepted.filter((m) => m.to.includes(demoEmail))).toHaveLength(1);
      // The retry reused the link stored before the first send: one TRN token, and it is in the email.
      expect(trnTokenCount(dataDir, demoTeacher.trn)).toBe(1);
      expect(state.accepted[0].text).toContain(`${env.ACCESS_URL}/register?trn_token=`);
    } finally {
      await child.stop();
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  }, 30_000);
});
