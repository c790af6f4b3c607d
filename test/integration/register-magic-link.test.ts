// "Register via the magic link" through identity's HTTP interface, with real records over HTTP, a
// real SMTP server for email and the dev mailbox for text messages.
import { partlyMaskEmail } from "../../src/identity/accounts/accounts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { accounts, securityCodes, trnTokens } from "../../src/identity/db/schema";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { createSession } from "../../src/identity/sessions/session";
import { sha256 } from "../../src/security/tokens";
import { Browser, addRecordsTeacher, authorize, createTrnToken, emailedCode, pageText, redeem, textedCode } from "../helpers/identity-journey";
import { identityOutbox } from "../helpers/outbox";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
let nextTrn = 3000001;

/** A teacher in records, with a fresh TRN, for one test. A null date of birth: DQT has none. */
function newTeacher(names: { first?: string; middle?: string; last?: string; dateOfBirth?: string | null } = {}) {
  const trn = String(nextTrn++);
  const email = `t${trn}@example.com`;
  addRecordsTeacher(system.dataDir, { trn, email, firstName: names.first, middleName: names.middle, lastName: names.last, dateOfBirth: names.dateOfBirth });
  return { trn, email };
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
    expect(browser.url).toBe(`${system.urls.identity}/register?started=1`);
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
    expect(token_.expiresAt - token_.createdAt).toBe(30 * 86_400_000); // TRN_TOKEN_TTL's default
  });
});

const tokenRow = (token: string) => db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!;
const accountByEmail = (email: string) => db.select().from(accounts).where(eq(accounts.email, email)).get();

function existingAccount(email: string, trn: string | null) {
  return insertAccount(db, { email, phoneNumber: null, givenName: "Kim", familyName: "Lee", preferredName: "Kim Lee", birthdate: "1988-02-03", trn });
}

/** A browser that holds a session for `accountId`, as if it had signed in earlier. */
function signedInBrowser(accountId: string) {
  const browser = identity();
  const { setCookie } = createSession(db, accountId, { secure: false });
  const [name, value] = setCookie.split(";")[0].split("=");
  browser.cookies.set(name, value);
  return browser;
}

/** Registers without a phone, up to check answers. */
async function answerAll(browser: Browser) {
  await browser.post("/register");
  await browser.post("/register/phone", { noPhone: "yes" });
  await browser.post("/register/preferred-name", { choice: "0" });
  expect(browser.url).toEndWith("/register/check-answers");
}

describe("registering with a valid link", () => {
  test("without a mobile phone: the code step is skipped and the account has no phone number", async () => {
    const teacher = newTeacher({ first: "Lewis", last: "Price" });
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.post("/register");
    await browser.post("/register/phone", { noPhone: "yes" });
    expect(browser.url).toEndWith("/register/preferred-name");
    expect(browser.html).toContain('href="/register/phone"'); // back goes to the phone page, not the code page
    await browser.post("/register/preferred-name", { choice: "0" });
    expect(pageText(browser.html)).toContain("Not given");
    await browser.post("/register/check-answers");
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ trn: teacher.trn, preferred_name: "Lewis Price", given_name: "Lewis", family_name: "Price" });
    expect(idToken.phone_number).toBeUndefined();
  });

  test("steps cannot be jumped, and a Change from check answers returns to check answers", async () => {
    const teacher = newTeacher();
    const browser = identity();
    await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.get("/register/check-answers");
    expect(browser.url).toBe(`${system.urls.identity}/register`);
    await browser.post("/register/check-answers");
    expect(browser.url).toBe(`${system.urls.identity}/register`);
    await answerAll(browser);
    await browser.get("/register/preferred-name");
    expect(browser.html).toContain('href="/register/check-answers" class="govuk-back-link"');
    await browser.post("/register/preferred-name", { choice: "other", otherName: "Sammy T" });
    expect(browser.url).toEndWith("/register/check-answers");
    expect(pageText(browser.html)).toContain("Sammy T");
  });

  test("bad answers get error summaries and change nothing", async () => {
    const teacher = newTeacher();
    const browser = identity();
    await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.post("/register");
    for (const [phone, message] of [
      ["", "Enter your mobile number"],
      ["0121 496 0000", "Enter a mobile number"],
      ["call me", "Enter a mobile number using only numbers"],
    ]) {
      await browser.post("/register/phone", { phone });
      expect(browser.status).toBe(400);
      expect(browser.html).toContain("govuk-error-summary");
      expect(pageText(browser.html)).toContain(message);
    }
    await browser.post("/register/phone", { noPhone: "yes" });
    await browser.post("/register/preferred-name", {});
    expect(pageText(browser.html)).toContain("Select the name you would like us to use");
    await browser.post("/register/preferred-name", { choice: "other", otherName: "  " });
    expect(pageText(browser.html)).toContain("Enter the name you would like us to use");
    await browser.post("/register/preferred-name", { choice: "<script>alert(1)</script>" });
    expect(browser.html).not.toContain("<script>alert(1)</script>");
    expect(browser.url).toEndWith("/register/preferred-name");
  });

  test("an international mobile number is accepted and verified by text", async () => {
    const teacher = newTeacher();
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.post("/register");
    await browser.post("/register/phone", { phone: "+33 6 12 34 56 78" });
    expect(pageText(browser.html)).toContain("+33 6 12 34 56 78");
    const first = await textedCode(system, "+33612345678");
    await browser.post("/register/phone-code", { code: first === "000000" ? "111111" : "000000" });
    expect(pageText(browser.html)).toContain("The security code is incorrect");
    await browser.post("/register/phone-code/resend");
    expect(pageText(browser.html)).toContain("We have sent you a new code");
    const second = await textedCode(system, "+33612345678", first);
    await browser.post("/register/phone-code", { code: second });
    await browser.post("/register/preferred-name", { choice: "0" });
    await browser.post("/register/check-answers");
    const { userinfo } = await redeem(system, browser, auth);
    expect(userinfo.phone_number).toBe("+33612345678");
    expect(userinfo.phone_number_verified).toBe(true);
  });
});

describe("a teacher whose record has no date of birth", () => {
  test("is asked for it after the name; errors are specific; Change returns to check answers; the birthdate reaches the client", async () => {
    const teacher = newTeacher({ first: "Noor", last: "Haddad", dateOfBirth: null });
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    expect(pageText(browser.html)).toContain("your date of birth");
    await browser.post("/register");
    await browser.post("/register/phone", { noPhone: "yes" });
    // Not reachable before the name is answered.
    await browser.get("/register/date-of-birth");
    expect(browser.url).toEndWith("/register/preferred-name");
    await browser.post("/register/preferred-name", { choice: "0" });
    expect(browser.url).toEndWith("/register/date-of-birth");
    expect(browser.html).toContain('href="/register/preferred-name" class="govuk-back-link"');
    expect(browser.html).toContain('autocomplete="bday-day"');
    // Check answers stays closed until the date is given.
    await browser.get("/register/check-answers");
    expect(browser.url).toEndWith("/register/date-of-birth");

    for (const [fields, message, href] of [
      [{}, "Enter your date of birth", "#date-of-birth-day"],
      [{ day: "27", month: "3" }, "Date of birth must include a year", "#date-of-birth-year"],
      [{ day: "31", month: "2", year: "1990" }, "Date of birth must be a real date", "#date-of-birth-day"],
      [{ day: "1", month: "1", year: "2999" }, "Date of birth must be in the past", "#date-of-birth-day"],
    ] as const) {
      await browser.post("/register/date-of-birth", fields);
      expect(browser.status).toBe(400);
      expect(browser.html).toContain(`<a href="${href}">`);
      expect(pageText(browser.html)).toContain(message);
      const checkAnswers = await browser.request("/register/check-answers");
      expect(checkAnswers.status).toBe(303);
      expect(checkAnswers.headers.get("location")).toEndWith("/register/date-of-birth");
    }
    // What was typed is shown back.
    expect(browser.html).toContain('value="2999"');

    await browser.post("/register/date-of-birth", { day: "27", month: "3", year: "1990" });
    expect(browser.url).toEndWith("/register/check-answers");
    expect(pageText(browser.html)).toContain("27 March 1990");
    expect(browser.html).toContain('href="/register/date-of-birth"');
    await browser.get("/register/date-of-birth");
    expect(browser.html).toContain('value="27"');
    expect(browser.html).toContain('href="/register/check-answers" class="govuk-back-link"');
    await browser.post("/register/date-of-birth", { day: "28", month: "03", year: "1990" });
    expect(browser.url).toEndWith("/register/check-answers");
    expect(pageText(browser.html)).toContain("28 March 1990");

    await browser.post("/register/check-answers");
    const { idToken, userinfo } = await redeem(system, browser, auth);
    for (const claims of [idToken, userinfo]) expect(claims).toMatchObject({ trn: teacher.trn, birthdate: "1990-03-28", preferred_name: "Noor Haddad" });
  });

  test("a record with a date of birth never shows the question, and the page cannot be opened", async () => {
    const teacher = newTeacher();
    const browser = identity();
    await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    expect(pageText(browser.html)).not.toContain("your date of birth");
    await answerAll(browser);
    expect(browser.html).not.toContain('href="/register/date-of-birth"');
    await browser.get("/register/date-of-birth");
    expect(browser.url).toEndWith("/register/check-answers");
  });
});

describe("text message codes", () => {
  test("5 wrong codes kill the texted code; sending is limited per phone number", async () => {
    const teacher = newTeacher();
    const browser = identity();
    await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.post("/register");
    await browser.post("/register/phone", { phone: "07911 123457" });
    const code = await textedCode(system, "+447911123457");
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await browser.post("/register/phone-code", { code: wrong });
    expect(pageText(browser.html)).toContain("You entered an incorrect code too many times");
    await browser.post("/register/phone-code", { code });
    expect(browser.url).toEndWith("/register/phone-code");
    expect(pageText(browser.html)).toContain("You entered an incorrect code too many times");
    // 1 sent so far; 4 more resends reach the limit of 5 per number per hour, the 6th is refused.
    const textsTo = (phone: string) => identityOutbox(system.dataDir).filter((m) => m.kind === "sms" && m.to === phone).length;
    for (let i = 0; i < 4; i++) {
      await browser.post("/register/phone-code/resend");
      expect(browser.status).toBe(200);
      expect(pageText(browser.html)).toContain("We have sent you a new code");
    }
    expect(textsTo("+447911123457")).toBe(5);
    await browser.post("/register/phone-code/resend");
    expect(browser.status).toBe(429);
    expect(pageText(browser.html)).toContain("You have asked for too many security codes");
    expect(textsTo("+447911123457")).toBe(5);
  });
});

describe("changing the mobile number and expired texted codes", () => {
  test("'Change your mobile number' from Check your phone: the new number gets a code, the old number's code no longer works", async () => {
    const teacher = newTeacher();
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.post("/register");
    await browser.post("/register/phone", { phone: "07911 123470" });
    const oldCode = await textedCode(system, "+447911123470");
    expect(browser.html).toContain('href="/register/phone"');
    await browser.get("/register/phone");
    expect(browser.html).toContain('value="07911 123470"');
    await browser.post("/register/phone", { phone: "07911 123471" });
    expect(browser.url).toEndWith("/register/phone-code");
    expect(pageText(browser.html)).toContain("07911 123471");
    const newCode = await textedCode(system, "+447911123471");
    if (oldCode !== newCode) {
      await browser.post("/register/phone-code", { code: oldCode });
      expect(pageText(browser.html)).toContain("The security code is incorrect");
    }
    await browser.post("/register/phone-code", { code: newCode });
    await browser.post("/register/preferred-name", { choice: "0" });
    await browser.post("/register/check-answers");
    const { userinfo } = await redeem(system, browser, auth);
    expect(userinfo.phone_number).toBe("+447911123471");
  });

  test("a texted code older than 10 minutes has expired; a new one works", async () => {
    const teacher = newTeacher();
    const browser = identity();
    await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.post("/register");
    await browser.post("/register/phone", { phone: "07911 123472" });
    const code = await textedCode(system, "+447911123472");
    const sent = db.select().from(securityCodes).where(eq(securityCodes.destination, "+447911123472")).get()!;
    expect(sent.expiresAt - sent.createdAt).toBe(10 * 60_000);
    db.update(securityCodes).set({ expiresAt: Date.now() - 1 }).where(eq(securityCodes.id, sent.id)).run();
    await browser.post("/register/phone-code", { code });
    expect(browser.status).toBe(400);
    expect(pageText(browser.html)).toContain("The security code has expired");
    await browser.post("/register/phone-code/resend");
    await browser.post("/register/phone-code", { code: await textedCode(system, "+447911123472", code) });
    expect(browser.url).toEndWith("/register/preferred-name");
  });
});

describe("links that cannot register", () => {
  test("an unknown token gets a page saying so, with a way to sign in", async () => {
    const browser = identity();
    await authorize(system, browser, { trnToken: "A".repeat(43) });
    expect(browser.status).toBe(404);
    expect(pageText(browser.html)).toContain("This link is not valid");
    expect(browser.html).toMatch(/href="\/interaction\/[^"]+\/sign-in"/);
  });

  test("an expired token: 'email me a new link' sends a fresh link to the same address, built from the client's initiate_login_uri", async () => {
    const teacher = newTeacher();
    const token = await createTrnToken(system, teacher);
    db.update(trnTokens).set({ expiresAt: Date.now() - 1000 }).where(eq(trnTokens.tokenHash, sha256(token))).run();
    const browser = identity();
    await authorize(system, browser, { trnToken: token });
    expect(browser.status).toBe(410);
    expect(pageText(browser.html)).toContain("Your link has expired");
    const action = /action="(\/interaction\/[^"]+\/new-link)"/.exec(browser.html)![1];
    await browser.post(action);
    const reply = pageText(browser.html);
    expect(reply).toContain("We have sent you a new link");
    expect(reply).toContain(partlyMaskEmail(teacher.email));
    const mail = await smtp.waitForMessage(teacher.email, { match: (m) => m.subject.includes("new link") });
    const link = /(http\S+trn_token=\S+)/.exec(mail.text)![1];
    expect(link).toStartWith(`${system.urls.access}/register?trn_token=`);
    const fresh = new URL(link).searchParams.get("trn_token")!;
    expect(tokenRow(fresh)).toMatchObject({ trn: teacher.trn, email: teacher.email, consumedAt: null });
    // Pressing again sends nothing more, and says where the first new link went; an unknown token hears none was sent.
    await browser.post(action);
    expect(pageText(browser.html)).toBe(reply);
    const other = identity();
    await authorize(system, other, { trnToken: "B".repeat(43) });
    const unknownAction = /href="(\/interaction\/[^"]+)\/sign-in"/.exec(other.html)![1] + "/new-link";
    await other.post(unknownAction);
    expect(pageText(other.html)).toContain("We could not send you a new link");
    expect(identityOutbox(system.dataDir).filter((m) => m.to === teacher.email && m.subject?.includes("new link"))).toHaveLength(1);
    // The new link registers.
    const next = identity();
    await authorize(system, next, { trnToken: fresh });
    expect(pageText(next.html)).toContain("Create a Teacher ID account");
  });

  test("a used token says so and lets the teacher sign in, continuing the same request", async () => {
    const teacher = newTeacher();
    const token = await createTrnToken(system, teacher);
    const first = identity();
    await authorize(system, first, { trnToken: token });
    await answerAll(first);
    await first.post("/register/check-answers");
    expect(first.leftTo).toBeDefined();

    const second = identity();
    const auth = await authorize(system, second, { trnToken: token });
    expect(pageText(second.html)).toContain("This link has already been used");
    const signIn = /href="(\/interaction\/[^"]+\/sign-in)"/.exec(second.html)![1];
    await second.get(signIn);
    expect(second.url).toEndWith("/sign-in?started=1");
    const sent = Date.now();
    await second.post("/sign-in", { email: teacher.email });
    await second.post("/sign-in/code", { code: await emailedCode(smtp, teacher.email, sent) });
    const { idToken } = await redeem(system, second, auth);
    expect(idToken.trn).toBe(teacher.trn);
  });

  test("records cannot find the teacher: 'try again later', nothing consumed", async () => {
    const token = await createTrnToken(system, { trn: "9999990", email: "ghost@example.com" });
    const browser = identity();
    await authorize(system, browser, { trnToken: token });
    expect(browser.status).toBe(503);
    expect(pageText(browser.html)).toContain("Try again later");
    await browser.post("/register");
    expect(browser.status).toBe(503);
    expect(pageText(browser.html)).toContain("Try again later");
    expect(tokenRow(token).consumedAt).toBeNull();
    expect(accountByEmail("ghost@example.com")).toBeUndefined();
  });
});

describe("accounts that already exist", () => {
  test("the token's email has an account without a TRN: continue signs in with an email code, then attaches the TRN and consumes the token", async () => {
    const teacher = newTeacher();
    const account = existingAccount(teacher.email, null);
    const token = await createTrnToken(system, teacher);
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: token });
    expect(pageText(browser.html)).toContain("You already have a Teacher ID account");
    expect(tokenRow(token).consumedAt).toBeNull();
    const sent = Date.now();
    await browser.post("/register/continue");
    // The link alone signs nobody in: a code goes to the account's address, and nothing is bound yet.
    expect(browser.url).toEndWith("/sign-in/code");
    expect(browser.leftTo).toBeUndefined();
    expect(tokenRow(token).consumedAt).toBeNull();
    await browser.post("/sign-in/code", { code: await emailedCode(smtp, teacher.email, sent) });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ sub: account.id, trn: teacher.trn });
    expect(tokenRow(token)).toMatchObject({ accountId: account.id });
    expect(tokenRow(token).consumedAt).not.toBeNull();
  });

  test("the token's email has an account with the same TRN: just signed in", async () => {
    const teacher = newTeacher();
    const account = existingAccount(teacher.email, teacher.trn);
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    const sent = Date.now();
    await browser.post("/register/continue");
    await browser.post("/sign-in/code", { code: await emailedCode(smtp, teacher.email, sent) });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ sub: account.id, trn: teacher.trn });
  });

  test("the token's email has an account with a different TRN: the conflict is explained and the token stays unused", async () => {
    const teacher = newTeacher();
    existingAccount(teacher.email, "8888881");
    const token = await createTrnToken(system, teacher);
    const browser = identity();
    await authorize(system, browser, { trnToken: token });
    expect(browser.status).toBe(409);
    expect(pageText(browser.html)).toContain("linked to a different teacher reference number");
    await browser.post("/register/continue");
    expect(browser.leftTo).toBeUndefined();
    expect(tokenRow(token).consumedAt).toBeNull();
    expect(accountByEmail(teacher.email)!.trn).toBe("8888881");
  });

  test("the TRN belongs to another account: its email is shown partly masked, with 'sign in to that account'", async () => {
    const teacher = newTeacher();
    const holder = existingAccount("jessica.holder@example.com", teacher.trn);
    const token = await createTrnToken(system, { trn: teacher.trn, email: "new.address@example.com" });
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: token });
    expect(browser.status).toBe(409);
    const text = pageText(browser.html);
    expect(text).toContain("linked to another account");
    expect(text).toContain("je****r@example.com");
    expect(text).not.toContain("jessica.holder@example.com");
    expect(text).toContain("Sign in to that account");
    expect(tokenRow(token).consumedAt).toBeNull();
    // Following it continues the same authorization request, signed in to the account with the TRN.
    await browser.get(/href="(\/interaction\/[^"]+\/sign-in)"/.exec(browser.html)![1]);
    const sent = Date.now();
    await browser.post("/sign-in", { email: holder.email });
    await browser.post("/sign-in/code", { code: await emailedCode(smtp, holder.email, sent) });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ sub: holder.id, trn: teacher.trn, email: holder.email });
    expect(tokenRow(token).consumedAt).toBeNull();
  });

  test("'Already have an account? Sign in' from the landing page: email code, then the TRN is attached", async () => {
    const teacher = newTeacher();
    const account = existingAccount(`other-${teacher.trn}@example.com`, null);
    const token = await createTrnToken(system, teacher);
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: token });
    await browser.get("/sign-in");
    const sent = Date.now();
    await browser.post("/sign-in", { email: account.email });
    await browser.post("/sign-in/code", { code: await emailedCode(smtp, account.email, sent) });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ sub: account.id, trn: teacher.trn, email: account.email });
    expect(tokenRow(token).accountId).toBe(account.id);
  });

  test("already signed in with the token's email: continue as that account", async () => {
    const teacher = newTeacher();
    const account = existingAccount(teacher.email, null);
    const browser = signedInBrowser(account.id);
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    expect(pageText(browser.html)).toContain(`You are signed in as ${teacher.email}`);
    await browser.post("/register/continue");
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ sub: account.id, trn: teacher.trn });
  });

  test("with prompt=login an existing session does not count: the teacher signs in again with an email code", async () => {
    const teacher = newTeacher();
    const account = existingAccount(teacher.email, null);
    const browser = signedInBrowser(account.id);
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher), extra: { prompt: "login" } });
    const text = pageText(browser.html);
    expect(text).not.toContain("You are signed in as");
    expect(text).toContain(`There is a Teacher ID account for ${teacher.email}`);
    const sent = Date.now();
    await browser.post("/register/continue");
    await browser.post("/sign-in/code", { code: await emailedCode(smtp, teacher.email, sent) });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken.sub).toBe(account.id);
  });

  test("already signed in with another email: asked which account; 'sign out' starts the registration", async () => {
    const teacher = newTeacher();
    const other = existingAccount(`signed-in-${teacher.trn}@example.com`, null);
    const browser = signedInBrowser(other.id);
    await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    expect(pageText(browser.html)).toContain("Which account do you want to use?");
    await browser.post("/register/choose-account", {});
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("govuk-error-summary");
    await browser.post("/register/choose-account", { account: "link" });
    expect(browser.cookies.has("identity_session")).toBe(false);
    expect(pageText(browser.html)).toContain("Create a Teacher ID account");
  });

  test("already signed in with another email: choosing that account links the TRN to it", async () => {
    const teacher = newTeacher();
    const other = existingAccount(`chooser-${teacher.trn}@example.com`, null);
    const browser = signedInBrowser(other.id);
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    await browser.post("/register/choose-account", { account: "signed-in" });
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ sub: other.id, trn: teacher.trn });
  });
});

describe("one token, one account", () => {
  test("twenty concurrent final POSTs with the same token create exactly one account; the others hear 'already used'", async () => {
    const teacher = newTeacher();
    const token = await createTrnToken(system, teacher);
    const browsers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const browser = identity();
        await authorize(system, browser, { trnToken: token });
        await answerAll(browser);
        return browser;
      }),
    );
    await Promise.all(browsers.map((b) => b.post("/register/check-answers")));
    const returned = browsers.filter((b) => b.leftTo?.startsWith(system.urls.access));
    expect(returned).toHaveLength(1);
    for (const b of browsers.filter((b) => !b.leftTo)) expect(pageText(b.html)).toContain("This link has already been used");
    expect(db.select().from(accounts).where(eq(accounts.trn, teacher.trn)).all()).toHaveLength(1);
    expect(tokenRow(token).accountId).toBe(accountByEmail(teacher.email)!.id);
  });

  test("opening the link (GET) any number of times consumes nothing", async () => {
    const teacher = newTeacher();
    const token = await createTrnToken(system, teacher);
    for (let i = 0; i < 3; i++) {
      const browser = identity();
      await authorize(system, browser, { trnToken: token });
      await browser.get("/register/phone");
    }
    expect(tokenRow(token).consumedAt).toBeNull();
    expect(accountByEmail(teacher.email)).toBeUndefined();
  });
});
