// The dev mailbox for scripts and testers (issue 18): /dev/mailbox.json, and the `to` filter of both
// views taking a phone number as pages show it (07911 123456) as well as E.164 (+447911123456).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadIdentityConfig } from "../../src/identity/settings";
import { silentLogger } from "../../src/log/logger";
import { createMailer } from "../../src/mail/mailer";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({ only: ["records"] });
  // identity's mailer (email and SMS), as identity has it in development with this data directory.
  const mailer = createMailer(loadIdentityConfig({ DATA_DIR: system.dataDir }), silentLogger);
  try {
    await mailer.sendEmail({ to: "Amelia.Clarke@example.com", subject: "Your link", text: "Use this link: https://access.example/register?trn_token=abc_123. Thanks" });
    await mailer.sendSms({ to: "+447911123456", text: "123456 is your Teacher ID security code. It expires in 10 minutes." });
    await mailer.sendSms({ to: "+447700900999", text: "654321 is your Teacher ID security code." });
    await mailer.sendSms({ to: "+33612345678", text: "111222 is your Teacher ID security code." });
  } finally {
    mailer.close();
  }
});
afterAll(() => system?.stop());

async function json(query = "") {
  const response = await fetch(`${system.urls.records}/dev/mailbox.json${query}`);
  return { response, body: (await response.json()) as any };
}

describe("/dev/mailbox.json", () => {
  test("lists every message newest first, with its links and when it was sent", async () => {
    const { response, body } = await json();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(body.messages.map((m: any) => m.to)).toEqual(["+33612345678", "+447700900999", "+447911123456", "Amelia.Clarke@example.com"]);
    const email = body.messages[3];
    expect(email).toMatchObject({
      channel: "email",
      subject: "Your link",
      text: "Use this link: https://access.example/register?trn_token=abc_123. Thanks",
      links: ["https://access.example/register?trn_token=abc_123"],
    });
    expect(email.from).toContain("@");
    expect(Math.abs(Date.parse(email.sentAt) - Date.now())).toBeLessThan(60_000);
    expect(body.messages[2]).toMatchObject({ channel: "sms", subject: null, links: [], text: expect.stringContaining("123456 is your Teacher ID security code") });
  });

  test("limit keeps the newest; a bad limit is a 400 problem naming it", async () => {
    expect((await json("?limit=1")).body.messages.map((m: any) => m.to)).toEqual(["+33612345678"]);
    for (const bad of ["0", "501", "ten"]) {
      const { response, body } = await json(`?limit=${bad}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(Object.keys(body.errors)).toEqual(["limit"]);
    }
  });
});

describe("the to filter", () => {
  const textsTo = async (to: string) => (await json(`?to=${encodeURIComponent(to)}`)).body.messages.map((m: any) => m.text.slice(0, 6));

  test("takes a UK mobile number as pages show it, without spaces, or in E.164, and finds only that number", async () => {
    for (const to of ["07911 123456", "07911123456", "+447911123456", " +44 7911 123456 ", "(07911) 123 456"]) {
      expect({ to, found: await textsTo(to) }).toEqual({ to, found: ["123456"] });
    }
    expect(await textsTo("07700 900999")).toEqual(["654321"]);
    expect(await textsTo("+33 6 12 34 56 78")).toEqual(["111222"]);
    expect(await textsTo("07911 123457")).toEqual([]);
  });

  test("takes an email address in any case", async () => {
    expect(await textsTo("amelia.clarke@EXAMPLE.com")).toEqual(["Use th"]);
    expect(await textsTo("someone.else@example.com")).toEqual([]);
  });

  test("works the same on the page, which shows a UK number both ways", async () => {
    const page = await (await fetch(`${system.urls.records}/dev/mailbox?to=${encodeURIComponent("07911 123456")}`)).text();
    expect(page).toContain("123456 is your Teacher ID security code");
    expect(page).not.toContain("654321");
    expect(page).not.toContain("Your link");
    expect(page).toContain("07911 123456 (+447911123456)");
    expect(page).toContain('href="/dev/mailbox.json?to=07911%20123456"');
  });
});

test("production has no /dev/mailbox.json", async () => {
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
    const response = await fetch(`${production.system.listening.records}/dev/mailbox.json`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  } finally {
    await production.stop();
  }
});
