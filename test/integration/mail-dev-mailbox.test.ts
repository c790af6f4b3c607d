// The dev mailbox page on records (development without SMTP_URL): what the services sent, newest
// first, with working links; and the outbox CLI an operator uses.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { eq } from "drizzle-orm";
import { runCli } from "../../src/main";
import { enqueueEmail } from "../../src/outbox/enqueue";
import { outbox } from "../../src/outbox/schema";
import { openRecordsDatabase } from "../../src/records/db/database";
import { silentLogger } from "../../src/log/logger";
import { createMailer } from "../../src/mail/mailer";
import { devMailboxFile, openDevMailbox, readDevMailbox } from "../../src/mail/dev-mailbox";
import { demoTeacher } from "../../src/records/demo/demo-teachers";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { clientToken, putOutcome, registerApiClient } from "../helpers/records-support";

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(() => system?.stop());

async function until<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await Bun.sleep(20);
  }
  throw new Error("timed out");
}

describe("dev mailbox", () => {
  test("serve announces the mailbox page and a demo teacher", () => {
    const lines = system.system.announce.join("\n");
    expect(lines).toContain(`${system.urls.records}/dev/mailbox`);
    expect(lines).toContain(`TRN ${demoTeacher.trn}, born ${demoTeacher.birthdate}`);
  });

  test("a Pass for the demo teacher puts the invitation in the mailbox; the page shows it with a working link", async () => {
    const client = registerApiClient(system.dataDir, ["itt_outcome:write"]);
    const token = await clientToken(system.urls.identity, client, "itt_outcome:write");
    const reply = await putOutcome(system.urls.records, token, demoTeacher.trn, demoTeacher.birthdate, {
      ittProviderUkprn: demoTeacher.ukprn,
      outcome: "Pass",
      assessmentDate: "2026-07-01",
    });
    expect(reply.status).toBe(200);
    const entry = await until(() => readDevMailbox(system.dataDir, { to: "amelia.clarke@example.com" })[0]);
    const link = /https?:\/\/\S+\/register\?trn_token=[A-Za-z0-9_%-]+/.exec(entry.text)![0];

    const page = await fetch(`${system.urls.records}/dev/mailbox`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("You have been awarded qualified teacher status (QTS)");
    expect(html).toContain(`<a class="govuk-link" href="${link}">`);
    // The link works: access answers it (it redirects the teacher on to identity).
    const followed = await fetch(link, { redirect: "manual" });
    expect(followed.status).toBeLessThan(400);
  });

  test("lists newest first, escapes what was sent, and filters by recipient", async () => {
    const mailer = createMailer(system.configs.identity!, silentLogger);
    try {
      await mailer.sendEmail({ to: "older@example.com", subject: "Older", text: "first" });
      await mailer.sendEmail({ to: "newer@example.com", subject: "<b>Newer</b>", text: "<script>alert(1)</script> see https://example.com/a?b=1&c=2." });
      await mailer.sendSms({ to: "+447700900123", text: "Your Teacher ID security code is 123456" });
    } finally {
      mailer.close();
    }
    const html = await (await fetch(`${system.urls.records}/dev/mailbox`)).text();
    expect(html.indexOf("Text message")).toBeLessThan(html.indexOf("&lt;b&gt;Newer&lt;/b&gt;"));
    expect(html.indexOf("&lt;b&gt;Newer&lt;/b&gt;")).toBeLessThan(html.indexOf("Older"));
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain('<a class="govuk-link" href="https://example.com/a?b=1&amp;c=2">');
    expect(html).toContain("+447700900123");
    const filtered = await (await fetch(`${system.urls.records}/dev/mailbox?to=older@example.com`)).text();
    expect(filtered).toContain("Older");
    expect(filtered).not.toContain("Newer");
  });
});

describe("where the dev mailbox page is", () => {
  test("in development records shows it even when its own email goes to SMTP (identity may store SMS there); production has none", async () => {
    const smtpOnly = await startTestSystem({ only: ["records"], env: { SMTP_URL: "smtp://127.0.0.1:1" } });
    try {
      // A text message as identity's mailer would store it without a Notify key.
      const mailbox = openDevMailbox(smtpOnly.dataDir, "development");
      mailbox.add({ channel: "sms", to: "+447700900456", from: null, subject: null, text: "Your code is in the text", html: null });
      mailbox.close();
      const page = await fetch(`${smtpOnly.urls.records}/dev/mailbox`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("Text message");
      expect(html).toContain("+447700900456");
      expect(html).toContain("Your code is in the text");
    } finally {
      await smtpOnly.stop();
    }
    const production = await startTestSystem({
      only: ["records"],
      env: {
        ENVIRONMENT: "production",
        IDENTITY_URL: "https://id.example",
        RECORDS_URL: "https://records.example",
        ACCESS_URL: "https://access.example",
        SMTP_URL: "smtp://127.0.0.1:1",
        RECORDS_CLIENT_ID: "records-service",
        RECORDS_CLIENT_SECRET: "s".repeat(43),
        IDENTITY_WEBHOOK_SECRET: "whsec_" + Buffer.alloc(32, 7).toString("base64"),
      },
    });
    try {
      const page = await fetch(`${production.system.listening.records}/dev/mailbox`);
      expect(page.status).toBe(404);
      expect(await page.text()).not.toContain("Text message");
      expect(production.system.announce.join("\n")).not.toContain("/dev/mailbox");
      expect(existsSync(devMailboxFile(production.dataDir))).toBe(false);
    } finally {
      await production.stop();
    }
  });
});

describe("teacher-id records outbox", () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(["records", "outbox", ...args], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { DATA_DIR: system.dataDir },
    });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  test("list shows messages with masked addresses; retry refuses a sent message and an unknown id", async () => {
    await until(() => readDevMailbox(system.dataDir, { to: "amelia.clarke@example.com" })[0]);
    const list = await run(["list"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/\tqts-invitation\tsent\t1\t/);
    expect(list.out).toContain("a***@example.com");
    expect(list.out).not.toContain("amelia.clarke@example.com");
    const id = /^(\d+)\tqts-invitation/m.exec(list.out)![1];
    const retrySent = await run(["retry", id]);
    expect(retrySent.code).toBe(1);
    expect(retrySent.err).toContain("already sent");
    expect((await run(["retry", "99999"])).err).toContain("no outbox message 99999");
    expect((await run(["list", "--status", "bogus"])).code).toBe(2);
    expect((await run(["list", "--status", "failed"])).out).toBe("No messages.");
  });

  test("retry puts a failed message back in the queue, and the running service sends it", async () => {
    const db = openRecordsDatabase(system.dataDir);
    let id: number;
    try {
      // A message that gave up (e.g. after OUTBOX_MAX_AGE while the mail server was down).
      id = db.transaction((tx) => {
        const id = enqueueEmail(tx, { to: "retry.me@example.com", subject: "Retried", text: "hello" }, 0)!;
        tx.update(outbox).set({ status: "failed", attempts: 9, lastError: "connection refused" }).where(eq(outbox.id, id)).run();
        return id;
      });
    } finally {
      db.$client.close();
    }
    const failed = await run(["list", "--status", "failed"]);
    expect(failed.out).toContain(`${id}\temail\tfailed\t9\t`);
    expect(failed.out).toContain("connection refused");
    const retry = await run(["retry", String(id)]);
    expect(retry.code).toBe(0);
    expect(retry.out).toContain(`Message ${id} (email) will be sent again now.`);
    const entry = await until(() => readDevMailbox(system.dataDir, { to: "retry.me@example.com" })[0]);
    expect(entry.subject).toBe("Retried");
  });

  test("a message whose stored payload cannot be read is still listed, with its error", async () => {
    const db = openRecordsDatabase(system.dataDir);
    let id: number;
    try {
      id = db
        .insert(outbox)
        .values({ kind: "email", payload: "{not json", status: "failed", attempts: 1, lastError: "the stored payload is not JSON", nextAttemptAt: 0, createdAt: 0 })
        .returning({ id: outbox.id })
        .get().id;
    } finally {
      db.$client.close();
    }
    const failed = await run(["list", "--status", "failed"]);
    expect(failed.code).toBe(0);
    expect(failed.out).toContain(`${id}\temail\tfailed\t1\t`);
    expect(failed.out).toContain("the stored payload is not JSON");
  });
});
