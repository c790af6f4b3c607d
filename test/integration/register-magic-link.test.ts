// "Register via the magic link" through identity's HTTP interface, with real records over HTTP, a
// real SMTP server for email and the dev mailbox for text messages.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openIdentityDatabase, type IdentityDatabase } from "../../src/identity/db/database";
import { accounts, trnTokens } from "../../src/identity/db/schema";
import { openRecordsDatabase } from "../../src/records/db/database";
import { importTeachers } from "../../src/records/import/import-teachers";
import { readTeacherCsv } from "../../src/records/import/teacher-csv";
import { sha256 } from "../../src/security/tokens";
import { Browser, authorize, createTrnToken, emailedCode, pageText, redeem, textedCode } from "../helpers/identity-journey";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabase;
let nextTrn = 3000001;

/** A teacher in records, with a fresh TRN, for one test. */
function newTeacher(names: { first?: string; middle?: string; last?: string } = {}) {
  const trn = String(nextTrn++);
  const csv = `trn,first_name,middle_name,last_name,date_of_birth,email\n${trn},${names.first ?? "Sam"},${names.middle ?? ""},${names.last ?? "Taylor"},1991-04-05,t${trn}@example.com\n`;
  const records = openRecordsDatabase(system.dataDir);
  try {
    const parsed = readTeacherCsv(csv);
    const result = importTeachers(records, parsed.teachers);
    if (!result.ok) throw new Error(JSON.stringify(result));
  } finally {
    records.$client.close();
  }
  return { trn, email: `t${trn}@example.com` };
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({ env: { SMTP_URL: smtp.url } });
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  db.$client.close();
  await system.stop();
  await smtp.close();
});

const identity = () => new Browser(system.urls.identity);

describe("registering with a valid link", () => {
  test("with a mobile number: landing, phone, code, name, check answers, account; claims reach the client", async () => {
    const teacher = newTeacher({ first: "Amira", middle: "Jane", last: "Khan" });
    const token = await createTrnToken(system, teacher);
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: token });
    expect(browser.url).toBe(`${system.urls.identity}/register`);
    const landing = pageText(browser.html);
    expect(landing).toContain("Create a Teacher ID account");
    expect(landing).toContain(teacher.email);
    expect(landing).toContain("Already have an account?");

    // Nothing is consumed by looking.
    expect(db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!.consumedAt).toBeNull();

    await browser.post("/register");
    expect(browser.url).toEndWith("/register/phone");
    expect(browser.html).toContain('href="/register"'); // back link to the landing page

    await browser.post("/register/phone", { phone: "07911 123456" });
    expect(browser.url).toEndWith("/register/phone-code");
    expect(pageText(browser.html)).toContain("Check your phone");
    expect(browser.html).toContain('autocomplete="one-time-code"');
    expect(browser.html).toContain('inputmode="numeric"');
    const code = await textedCode(system, "+447911123456");

    await browser.post("/register/phone-code", { code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(browser.url).toEndWith("/register/preferred-name");
    const namePage = pageText(browser.html);
    expect(namePage).toContain("Amira Khan");
    expect(namePage).toContain("Amira Jane Khan");
    expect(namePage).toContain("Other");

    await browser.post("/register/preferred-name", { choice: "other", otherName: "Mira Khan" });
    expect(browser.url).toEndWith("/register/check-answers");
    const check = pageText(browser.html);
    expect(check).toContain("Mira Khan");
    expect(check).toContain("07911 123456");
    expect(check).toContain("5 April 1991");
    expect(check).toContain(teacher.trn);

    await browser.post("/register/check-answers");
    expect(browser.leftTo).toStartWith(`${system.urls.access}/sign-in/callback?`);
    expect(new URL(browser.leftTo!).searchParams.get("iss")).toBe(system.urls.identity);
    const { idToken, userinfo } = await redeem(system, browser, auth);
    for (const claims of [idToken, userinfo]) {
      expect(claims).toMatchObject({
        trn: teacher.trn,
        email: teacher.email,
        email_verified: true,
        phone_number: "+447911123456",
        preferred_name: "Mira Khan",
        birthdate: "1991-04-05",
      });
    }
    const token_ = db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!;
    expect(token_.consumedAt).not.toBeNull();
    expect(token_.accountId).toBe(idToken.sub!);
  });
});
