// Proof under concurrency (issue 12), against the built binary (dist/teacher-id serve) over real
// HTTP, with a real SMTP server: the same call made 100 times at once changes things once; one TRN
// token completed from 20 browsers at once makes one account; two journeys racing to bind one TRN
// leave one winner and a conflict page for the other; and "Create account" sent twice at once by one
// browser makes one account and sends both answers to the service.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { accounts, trnTokens } from "../../src/identity/db/schema";
import { openRecordsDatabase } from "../../src/records/db/database";
import { importTeacherCsv } from "../../src/records/import/import-teachers";
import { loadServeConfig } from "../../src/cli/configuration";
import { sha256 } from "../../src/security/tokens";
import { Browser, addRecordsTeacher, authorize, createTrnToken, pageText, redeem } from "../helpers/identity-journey";
import { putOutcome } from "../helpers/records-support";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import type { TestSystem } from "../helpers/system";

let smtp: TestSmtpServer;
let served: ServedBinary;
/** What the journey helpers need of a running system: its URLs, settings and data directory. */
let system: TestSystem;
let identityDb: IdentityDatabaseFile;
let nextTrn = 6100001;
let nextIp = 1;

beforeAll(async () => {
  smtp = await startSmtpServer();
  // Each browser below has its own client address (X-Forwarded-For), so per-IP limits stay out of it.
  served = await serveBinary({ env: { SMTP_URL: smtp.url, TRUST_PROXY: "true" } });
  const services = loadServeConfig(served.env, ["identity", "records", "access"]).services;
  system = { urls: served.urls, config: Object.assign({}, ...Object.values(services)), dataDir: served.dataDir } as TestSystem;
  identityDb = openIdentityDatabase(served.dataDir);
});
afterAll(async () => {
  identityDb?.$client.close();
  await served?.stop();
  await smtp?.close();
});

const identity = () => new Browser(served.urls.identity, { "x-forwarded-for": `203.0.113.${nextIp++}` });

function newTeacher(email?: string) {
  const trn = String(nextTrn++);
  const teacher = { trn, email: email ?? `race-${trn}@example.com` };
  addRecordsTeacher(served.dataDir, teacher);
  return teacher;
}

/** Registers without a phone, up to check answers. */
async function toCheckAnswers(browser: Browser, trnToken: string) {
  const auth = await authorize(system, browser, { trnToken });
  await browser.post("/register");
  await browser.post("/register/phone", { noPhone: "yes" });
  await browser.post("/register/preferred-name", { choice: "0" });
  expect(browser.url).toEndWith("/register/check-answers");
  return auth;
}

/** One form POST as the browser sends it (its cookies and CSRF token), the reply not followed. */
function submit(browser: Browser, path: string): Promise<Response> {
  return browser.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: decodeURIComponent(browser.cookies.get("identity_csrf") ?? "") }).toString(),
  });
}

const accountsWithTrn = (trn: string) => identityDb.select().from(accounts).where(eq(accounts.trn, trn)).all();
const tokenRow = (token: string) => identityDb.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!;

/** The demo awarding client's secret, which `serve` prints once on stderr. */
function demoClientSecret(): string {
  const match = /client_secret:\s+(\S+)/.exec(served.stderr());
  if (!match) throw new Error(`serve printed no demo client secret:\n${served.stderr()}`);
  return match[1];
}

async function awardingServiceToken(): Promise<string> {
  const response = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`demo-awarding-service:${demoClientSecret()}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "itt_outcome:write" }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** records' outbox rows for one TRN's invitation, read from its SQLite file as an operator could. */
function invitationRows(trn: string): { status: string; sent_at: number | null }[] {
  const db = new Database(join(served.dataDir, "records.sqlite"), { readonly: true });
  try {
    return db.query("SELECT status, sent_at FROM outbox WHERE kind = 'qts-invitation' AND json_extract(payload, '$.trn') = ?").all(trn) as {
      status: string;
      sent_at: number | null;
    }[];
  } finally {
    db.close();
  }
}

describe("concurrency, against the built binary", () => {
  test("100 identical Pass calls at once for one TRN: all answered alike, one QTS date, one invitation queued and one email delivered", async () => {
    const trn = String(nextTrn++);
    const email = `pass-${trn}@example.com`;
    const records = openRecordsDatabase(served.dataDir);
    try {
      const csv =
        "trn,first_name,middle_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_subjects,itt_result\n" +
        `${trn},Rosa,,Parks,1995-02-04,${email},10000001,Earl Spencer Primary School,Primary,InTraining\n`;
      const imported = importTeacherCsv(records, [csv]);
      if (!imported.ok) throw new Error(JSON.stringify(imported));
    } finally {
      records.$client.close();
    }
    const token = await awardingServiceToken();
    const body = { ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" };
    const replies = await Promise.all(Array.from({ length: 100 }, () => putOutcome(served.urls.records, token, trn, "1995-02-04", body)));
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ trn, qtsDate: "2026-07-01" });
    }
    const reader = openRecordsDatabase(served.dataDir);
    try {
      expect(reader.$client.query("SELECT qts_date FROM teachers WHERE trn = ?").all(trn)).toEqual([{ qts_date: "2026-07-01" }]);
    } finally {
      reader.$client.close();
    }
    expect(invitationRows(trn)).toHaveLength(1);

    // Delivered once: wait until the outbox has marked it sent, then count what the SMTP server got.
    const mail = await smtp.waitForMessage(email);
    expect(mail.subject).toBe("You have been awarded qualified teacher status (QTS)");
    expect(mail.text).toContain("The link works for 30 days, until ");
    for (let i = 0; i < 500 && invitationRows(trn)[0].status !== "sent"; i++) await Bun.sleep(20);
    expect(invitationRows(trn)).toEqual([{ status: "sent", sent_at: expect.any(Number) }]);
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
  }, 30_000);

  test("one TRN token completed from 20 browsers at once: one account; every other browser hears the link was used", async () => {
    const teacher = newTeacher();
    const token = await createTrnToken(system, teacher);
    const browsers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const browser = identity();
        await toCheckAnswers(browser, token);
        return browser;
      }),
    );
    await Promise.all(browsers.map((b) => b.post("/register/check-answers")));
    const returned = browsers.filter((b) => b.leftTo?.startsWith(`${served.urls.access}/sign-in/callback?`));
    expect(returned).toHaveLength(1);
    for (const b of browsers.filter((b) => !b.leftTo)) {
      // 409 when it lost the race inside "Create account", 410 when the token was already used as it began.
      expect([409, 410]).toContain(b.status);
      expect(pageText(b.html)).toContain("This link has already been used");
    }
    expect(accountsWithTrn(teacher.trn)).toHaveLength(1);
    expect(tokenRow(token).accountId).toBe(accountsWithTrn(teacher.trn)[0].id);
  }, 30_000);

  test("two journeys racing to bind one TRN (two links, two addresses): one account gets it, the other browser sees the conflict page", async () => {
    for (let round = 0; round < 5; round++) {
      const teacher = newTeacher();
      // records sent a second link to a corrected address: two valid tokens for one TRN.
      const first = await createTrnToken(system, teacher);
      const second = await createTrnToken(system, { trn: teacher.trn, email: `corrected-${teacher.trn}@example.com` });
      const browsers = [identity(), identity()];
      await Promise.all([toCheckAnswers(browsers[0], first), toCheckAnswers(browsers[1], second)]);
      await Promise.all(browsers.map((b) => b.post("/register/check-answers")));

      const winners = browsers.filter((b) => b.leftTo?.startsWith(`${served.urls.access}/sign-in/callback?`));
      expect(winners).toHaveLength(1);
      const loser = browsers.find((b) => !b.leftTo)!;
      expect(loser.status).toBe(409);
      const text = pageText(loser.html);
      expect(text).toContain("Your teacher reference number is linked to another account");
      expect(text).not.toContain("timed out");
      const holders = accountsWithTrn(teacher.trn);
      expect(holders).toHaveLength(1);
      // The winner's token is consumed by that account; the loser's is still unused.
      const [winnerToken, loserToken] = winners[0] === browsers[0] ? [first, second] : [second, first];
      expect(tokenRow(winnerToken).accountId).toBe(holders[0].id);
      expect(tokenRow(loserToken).consumedAt).toBeNull();
    }
  }, 30_000);

  test("'Create account' sent twice at once by one browser: one account, and both answers send it to the service with the same code", async () => {
    for (let round = 0; round < 5; round++) {
      const teacher = newTeacher();
      const browser = identity();
      const auth = await toCheckAnswers(browser, await createTrnToken(system, teacher));
      const replies = await Promise.all([submit(browser, "/register/check-answers"), submit(browser, "/register/check-answers")]);
      for (const reply of replies) {
        expect(reply.status).toBe(303);
        expect(reply.headers.get("location")).toStartWith(`${served.urls.access}/sign-in/callback?`);
      }
      expect(replies[1].headers.get("location")).toBe(replies[0].headers.get("location")!);
      browser.leftTo = replies[1].headers.get("location")!;
      expect((await redeem(system, browser, auth)).idToken).toMatchObject({ trn: teacher.trn, email: teacher.email });
      expect(accountsWithTrn(teacher.trn)).toHaveLength(1);
    }
  }, 30_000);
});
