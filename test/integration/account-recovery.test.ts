// Issue 19, item 1: "I cannot access this email address". Through the built binary over HTTP, with
// a real SMTP server for email and the dev mailbox as the SMS outlet: a code texted to the account's
// verified mobile signs the teacher in once, on the way to changing their email address (which still
// needs a code sent to the new address), and the old address is told. An address without a mobile,
// or without an account, gets the same help page and nothing is sent.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { accounts, events, securityCodes } from "../../src/identity/db/schema";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { Browser, devMailboxCode, emailedCode, pageText } from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";

const sendLimitPerAddress = 3;

let served: ServedBinary;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
let next = 10;

beforeAll(async () => {
  smtp = await startSmtpServer();
  served = await serveBinary({ env: { SMTP_URL: smtp.url, CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: String(sendLimitPerAddress) } });
  db = openIdentityDatabase(served.dataDir);
}, 30_000);
afterAll(async () => {
  db?.$client.close();
  await served?.stop();
  await smtp?.close();
});

/** An account as registration leaves it; `phone` null: the teacher chose not to give one. */
function account(phone: string | null): { id: string; email: string; phone: string | null } {
  const n = next++;
  const email = `recovering.${n}@example.com`;
  const now = Date.now();
  const id = crypto.randomUUID();
  db.insert(accounts)
    .values({ id, email, emailVerified: true, phoneNumber: phone, phoneNumberVerified: phone !== null, givenName: "Ola", familyName: "Adeyemi", createdAt: now, updatedAt: now })
    .run();
  return { id, email, phone };
}

/** A browser that opened /account (not signed in: a sign-in journey returning there) and chose "I cannot access this email address". */
async function atRecovery(): Promise<Browser> {
  const browser = new Browser(served.urls.identity);
  await browser.get("/account");
  expect(new URL(browser.url).pathname).toBe("/sign-in");
  expect(browser.html).toContain('<a class="govuk-link" href="/recover">');
  expect(pageText(browser.html)).toContain("I cannot access this email address");
  await browser.get("/recover");
  expect(browser.status).toBe(200);
  expect(pageText(browser.html)).toContain("What is the email address of your Teacher ID account?");
  return browser;
}

const main = (html: string) => pageText(html.slice(html.indexOf("<main"), html.indexOf("</main>")));
const sms = (to: string) => readDevMailbox(served.dataDir, { to }).filter((m) => m.channel === "sms");
const allSms = () => readDevMailbox(served.dataDir).filter((m) => m.channel === "sms");

describe("with a verified mobile", () => {
  test("the texted code signs the teacher in once, to change their email; the new address is proved by its own code and the old one is told", async () => {
    const teacher = account("+447700900789");
    const browser = await atRecovery();
    await browser.post("/recover", { email: teacher.email.toUpperCase() });
    expect(browser.url).toBe(`${served.urls.identity}/recover/code`);
    expect(main(browser.html)).toContain("Check your phone");
    expect(main(browser.html)).toContain("mobile number ending 789");
    expect(browser.html).not.toContain("900789");
    const code = await devMailboxCode(served.dataDir, "sms", teacher.phone!);
    expect(sms(teacher.phone!)[0].text).toContain("sign in and change your email address");

    // A wrong code first: the GOV.UK error, and still not signed in.
    const wrong = code === "000000" ? "111111" : "000000";
    await browser.post("/recover/code", { code: wrong });
    expect(browser.status).toBe(400);
    expect(main(browser.html)).toContain("The security code is incorrect");
    expect(browser.cookies.has("identity_session")).toBe(false);

    await browser.post("/recover/code", { code });
    expect(browser.url).toBe(`${served.urls.identity}/account/email`);
    expect(browser.status).toBe(200);
    const signedIn = db.select().from(events).where(eq(events.subject, teacher.id)).all().filter((e) => e.type === "UserSignedIn");
    expect(signedIn).toHaveLength(1);
    expect(JSON.parse(signedIn[0].payload)).toMatchObject({ method: "sms-recovery" });

    // The new address gets its own code; the change happens only with it.
    const newEmail = `new.${teacher.email}`;
    const before = Date.now();
    await browser.post("/account/email", { email: newEmail });
    expect(browser.url).toBe(`${served.urls.identity}/account/email/code`);
    expect(db.select().from(accounts).where(eq(accounts.id, teacher.id)).get()!.email).toBe(teacher.email);
    const emailCode = await emailedCode(smtp, newEmail, before);
    await browser.post("/account/email/code", { code: emailCode });
    expect(browser.url).toBe(`${served.urls.identity}/account?done=email`);
    expect(db.select().from(accounts).where(eq(accounts.id, teacher.id)).get()!.email).toBe(newEmail);

    const notice = await smtp.waitForMessage(teacher.email, { match: (m) => m.subject.includes("email address was changed") });
    expect(notice.text).toContain("Your account now uses");
    expect(notice.text).toContain("signed in with a security code sent by text message to the mobile number ending 789");
    expect(notice.text).not.toContain(newEmail);
    expect(notice.text).not.toMatch(/https?:\/\//);
  });

  test("a code that has expired, or was guessed wrong 5 times, signs nobody in", async () => {
    const teacher = account("+447700900456");
    const browser = await atRecovery();
    await browser.post("/recover", { email: teacher.email });
    const code = await devMailboxCode(served.dataDir, "sms", teacher.phone!);
    db.update(securityCodes).set({ expiresAt: Date.now() - 1 }).where(eq(securityCodes.destination, teacher.phone!)).run();
    await browser.post("/recover/code", { code });
    expect(browser.status).toBe(400);
    expect(main(browser.html)).toContain("The security code has expired");

    // "Send another code": a new one, and the old one no longer works.
    await browser.get("/recover/resend");
    expect(main(browser.html)).toContain("ending 456");
    await browser.post("/recover/resend");
    expect(browser.url).toBe(`${served.urls.identity}/recover/code?resent=1`);
    expect(main(browser.html)).toContain("We have sent you a new code");
    const second = await devMailboxCode(served.dataDir, "sms", teacher.phone!, code);
    const wrong = second === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await browser.post("/recover/code", { code: wrong });
    await browser.post("/recover/code", { code: second });
    expect(browser.status).toBe(400);
    expect(main(browser.html)).toContain("You entered an incorrect code too many times");
    expect(browser.cookies.has("identity_session")).toBe(false);
  });
});

describe("without a mobile, or without an account", () => {
  test("the same help page, and nothing is sent", async () => {
    const teacher = account(null);
    const unknown = `nobody.${next++}@example.com`;
    const smsBefore = allSms().length;
    const pages: string[] = [];
    for (const email of [teacher.email, unknown]) {
      const browser = await atRecovery();
      await browser.post("/recover", { email });
      expect(browser.url).toBe(`${served.urls.identity}/recover/code`);
      expect(browser.status).toBe(200);
      const text = main(browser.html);
      expect(text).toContain("We cannot text you a security code");
      expect(text).toContain("qts.enquiries@education.gov.uk");
      expect(browser.html).not.toContain('name="code"');
      pages.push(text.replace(email, "EMAIL"));
      // There is no code to send again.
      await browser.get("/recover/resend");
      expect(browser.url).toBe(`${served.urls.identity}/recover/code`);
    }
    expect(pages[0]).toBe(pages[1]);
    await Bun.sleep(300);
    expect(allSms().length).toBe(smsBefore);
    expect(smtp.messages.filter((m) => m.to.includes(teacher.email) || m.to.includes(unknown))).toHaveLength(0);
  });
});

describe("rate limits", () => {
  test("codes asked for one address from one IP are limited alike, with a mobile or without", async () => {
    const withMobile = account("+447700900321");
    const withoutMobile = account(null);
    const unknown = `nobody.${next++}@example.com`;
    for (const email of [withMobile.email, withoutMobile.email, unknown]) {
      const browser = await atRecovery();
      for (let i = 0; i < sendLimitPerAddress; i++) {
        await browser.post("/recover", { email });
        expect(browser.status).toBe(200);
      }
      await browser.post("/recover", { email });
      expect(browser.status).toBe(429);
      expect(main(browser.html)).toContain("You have asked for too many security codes");
    }
    // The limit is the address's: another address from the same IP still gets its code.
    const other = account("+447700900654");
    const browser = await atRecovery();
    await browser.post("/recover", { email: other.email });
    expect(main(browser.html)).toContain("ending 654");
    expect(sms(withMobile.phone!)).toHaveLength(sendLimitPerAddress);
  });

  test("a recovery page without a journey starts nothing", async () => {
    const browser = new Browser(served.urls.identity);
    await browser.get("/recover/code");
    expect(browser.status).toBe(400);
    const response = await fetch(`${served.urls.identity}/recover`, { method: "POST", body: new URLSearchParams({ email: "x@example.com" }) });
    expect(response.status).toBe(403);
  });
});
