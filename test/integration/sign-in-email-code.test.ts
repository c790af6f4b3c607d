// Signing in to an existing account with an emailed 6-digit code, through identity's HTTP interface
// and a real SMTP server: the happy path, no enumeration, code expiry, 5 tries, rate limits.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { outbox, securityCodes } from "../../src/identity/db/schema";
import { Browser, authorize, emailedCode, pageText, redeem } from "../helpers/identity-journey";
import { identityOutbox } from "../helpers/outbox";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
let ipCounter = 1;
let emailCounter = 1;

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({
    // Each test is its own client IP (X-Forwarded-For behind a trusted proxy), so limits do not leak between tests.
    env: { SMTP_URL: smtp.url, TRUST_PROXY: "true", CODE_SEND_CEILING_PER_ADDRESS: "3", CODE_SEND_LIMIT_PER_IP: "5", CODE_CHECK_LIMIT_PER_IP: "8" },
  });
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  db.$client.close();
  await system.stop();
  await smtp.close();
});

const newBrowser = () => new Browser(system.urls.identity, { "x-forwarded-for": `198.51.100.${ipCounter++}` });

function newAccount(overrides: { trn?: string | null } = {}) {
  const email = `teacher${emailCounter++}@example.com`;
  return insertAccount(db, {
    email,
    phoneNumber: null,
    givenName: "Jo",
    familyName: "Bloggs",
    preferredName: "Jo Bloggs",
    birthdate: "1990-01-01",
    trn: overrides.trn ?? null,
  });
}

async function toCodePage(browser: Browser, email: string) {
  await authorize(system, browser, { scope: "openid email profile" });
  expect(browser.url).toBe(`${system.urls.identity}/sign-in?started=1`);
  const started = Date.now();
  await browser.post("/sign-in", { email });
  return started;
}

describe("sign in with an emailed code", () => {
  test("email address, code (typed with a space), then back to the client signed in", async () => {
    const account = newAccount();
    const browser = newBrowser();
    const auth = await authorize(system, browser, { scope: "openid email profile" });
    expect(pageText(browser.html)).toContain("Enter your email address");
    const sent = Date.now();
    await browser.post("/sign-in", { email: account.email.toUpperCase() });
    expect(browser.url).toEndWith("/sign-in/code");
    expect(pageText(browser.html)).toContain("Check your email");
    expect(browser.html).toContain('autocomplete="one-time-code"');
    expect(browser.html).toContain('inputmode="numeric"');
    const code = await emailedCode(smtp, account.email, sent);
    await browser.post("/sign-in/code", { code: `${code.slice(0, 3)} ${code.slice(3)}` });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken.sub).toBe(account.id);
    expect(idToken.email).toBe(account.email);
    expect(browser.cookies.has("identity_session")).toBe(true);
    // The journey is over: its pages now say so (it is kept a while, finished, so a repeat lands well).
    await browser.get("/sign-in/code");
    expect(pageText(browser.html)).toContain("You have signed in to Teacher ID");
    expect(browser.html).not.toContain('name="code"');
  });

  test("an address without an account gets the same page and a 'no account' email; its code is never sent", async () => {
    const known = newAccount();
    const pages: string[] = [];
    for (const email of [known.email, "nobody-here@example.com"]) {
      const browser = newBrowser();
      await toCodePage(browser, email);
      expect(browser.status).toBe(200);
      pages.push(pageText(browser.html).replace(email, "EMAIL"));
    }
    expect(pages[1]).toBe(pages[0]);
    const message = await smtp.waitForMessage("nobody-here@example.com");
    expect(message.text).toContain("there is no Teacher ID account");
    expect(message.text).not.toMatch(/\b\d{6}\b/);
    // A code is written all the same (the same work on both paths, issue 11 item 5), and never sent.
    expect(db.select().from(securityCodes).where(eq(securityCodes.destination, "nobody-here@example.com")).all()).toHaveLength(1);
  });

  test("an invalid email address gets an error summary and sends nothing", async () => {
    const browser = newBrowser();
    await authorize(system, browser, { scope: "openid email" });
    const queued = identityOutbox(system.dataDir).length;
    await browser.post("/sign-in", { email: "not-an-email" });
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("govuk-error-summary");
    expect(pageText(browser.html)).toContain("Enter an email address in the correct format");
    expect(browser.html).toContain("<title>Error: ");
    expect(identityOutbox(system.dataDir)).toHaveLength(queued);
  });

  test("wrong codes: a clear error each time, and after 5 the code is dead even when right", async () => {
    const account = newAccount();
    const browser = newBrowser();
    const sent = await toCodePage(browser, account.email);
    const code = await emailedCode(smtp, account.email, sent);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i <= 4; i++) {
      await browser.post("/sign-in/code", { code: wrong });
      expect(browser.status).toBe(400);
      expect(pageText(browser.html)).toContain("The security code is incorrect");
    }
    await browser.post("/sign-in/code", { code: wrong });
    expect(pageText(browser.html)).toContain("You entered an incorrect code too many times");
    await browser.post("/sign-in/code", { code });
    expect(browser.leftTo).toBeUndefined();
    expect(pageText(browser.html)).toContain("You entered an incorrect code too many times");
  });

  test("a code in the wrong format is refused without using up a try", async () => {
    const account = newAccount();
    const browser = newBrowser();
    const sent = await toCodePage(browser, account.email);
    const code = await emailedCode(smtp, account.email, sent);
    for (const typed of ["", "12345", "abcdef", "1234567"]) {
      await browser.post("/sign-in/code", { code: typed });
      expect(browser.status).toBe(400);
      expect(browser.html).toContain("govuk-error-summary");
    }
    await browser.post("/sign-in/code", { code });
    expect(browser.leftTo).toStartWith(system.urls.access);
  });

  test("a code older than 10 minutes has expired", async () => {
    const account = newAccount();
    const browser = newBrowser();
    const sent = await toCodePage(browser, account.email);
    const code = await emailedCode(smtp, account.email, sent);
    // Move the code's expiry into the past, as 10 minutes passing would.
    db.update(securityCodes).set({ expiresAt: Date.now() - 1 }).where(eq(securityCodes.destination, account.email)).run();
    await browser.post("/sign-in/code", { code });
    expect(browser.status).toBe(400);
    expect(pageText(browser.html)).toContain("The security code has expired");
  });

  test("'I have not received an email' sends a new code and the old one stops working", async () => {
    const account = newAccount();
    const browser = newBrowser();
    const sent = await toCodePage(browser, account.email);
    const first = await emailedCode(smtp, account.email, sent);
    await browser.get("/sign-in/resend");
    expect(pageText(browser.html)).toContain(account.email);
    await Bun.sleep(5);
    const resent = Date.now();
    await browser.post("/sign-in/resend");
    expect(browser.url).toContain("/sign-in/code");
    expect(pageText(browser.html)).toContain("We have sent you a new code");
    const second = await emailedCode(smtp, account.email, resent);
    if (first !== second) {
      await browser.post("/sign-in/code", { code: first });
      expect(pageText(browser.html)).toContain("The security code is incorrect");
    }
    await browser.post("/sign-in/code", { code: second });
    expect(browser.leftTo).toStartWith(system.urls.access);
  });

  test("sending to one address stops at its ceiling, whichever IP asks", async () => {
    const account = newAccount();
    const codesTo = (email: string) => identityOutbox(system.dataDir).filter((m) => m.to === email).length;
    for (let i = 0; i < 3; i++) {
      const browser = newBrowser();
      await toCodePage(browser, account.email);
      expect(browser.status).toBe(200);
      expect(pageText(browser.html)).toContain("Check your email");
      expect(codesTo(account.email)).toBe(i + 1);
    }
    const queued = identityOutbox(system.dataDir).length;
    const browser = newBrowser();
    await toCodePage(browser, account.email);
    expect(browser.status).toBe(429);
    expect(pageText(browser.html)).toContain("You need to wait before trying again");
    expect(identityOutbox(system.dataDir)).toHaveLength(queued);
  });

  test("sending is limited per client IP: past the limit a 'wait' page, and nothing is enqueued", async () => {
    const browser = newBrowser();
    await authorize(system, browser, { scope: "openid email" });
    for (let i = 0; i < 5; i++) {
      await browser.post("/sign-in", { email: `someone${i}@example.com` });
      expect(browser.status).toBe(200);
      expect(pageText(browser.html)).toContain("Check your email");
    }
    // Each address got its email ('no account' here): the limit counted real sends.
    const queued = identityOutbox(system.dataDir);
    for (let i = 0; i < 5; i++) expect(queued.some((m) => m.to === `someone${i}@example.com`)).toBe(true);
    await browser.post("/sign-in", { email: "someone-else@example.com" });
    expect(browser.status).toBe(429);
    expect(pageText(browser.html)).toContain("You need to wait before trying again");
    expect(identityOutbox(system.dataDir)).toHaveLength(queued.length);
  });

  test("checking codes is limited per client IP, across addresses", async () => {
    const browser = newBrowser();
    const account = newAccount();
    const sent = await toCodePage(browser, account.email);
    const code = await emailedCode(smtp, account.email, sent);
    const wrong = code === "000000" ? "111111" : "000000";
    // 4 wrong tries on this code, then a new code and 4 more: 8 checks from this IP.
    for (let i = 0; i < 4; i++) await browser.post("/sign-in/code", { code: wrong });
    await browser.post("/sign-in/resend");
    for (let i = 0; i < 4; i++) await browser.post("/sign-in/code", { code: wrong });
    const resent = await emailedCode(smtp, account.email, sent + 1).catch(() => code);
    await browser.post("/sign-in/code", { code: resent });
    expect(browser.status).toBe(429);
    expect(pageText(browser.html)).toContain("You have entered too many security codes");
    expect(browser.leftTo).toBeUndefined();
  });

  test("codes are stored only hashed, and a sent email keeps no code in the outbox", async () => {
    const account = newAccount();
    const browser = newBrowser();
    const sent = await toCodePage(browser, account.email);
    const code = await emailedCode(smtp, account.email, sent);
    const rows = db.select().from(securityCodes).where(eq(securityCodes.destination, account.email)).all();
    expect(rows).toHaveLength(1);
    // Stand-alone only: six digits can occur by chance inside a hash or a timestamp.
    const standAlone = new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`);
    expect(JSON.stringify(rows)).not.toMatch(standAlone);
    let outboxText = "";
    for (let i = 0; i < 100; i++) {
      const messages = db.select().from(outbox).all();
      outboxText = JSON.stringify(messages);
      if (messages.every((m) => m.status === "sent")) break;
      await Bun.sleep(20);
    }
    expect(outboxText).toContain(account.email);
    expect(outboxText).not.toMatch(standAlone);
  });

  test("sign-in pages opened with no journey say there is nothing to continue (not 'timed out') and link to the start", async () => {
    const browser = newBrowser();
    await browser.get("/sign-in/code");
    expect(browser.status).toBe(400);
    const text = pageText(browser.html);
    expect(text).toContain("There is nothing to continue on this page");
    expect(text).not.toContain("timed out");
    expect(browser.html).toContain(`href="${system.urls.identity}"`);
  });
});
