// "Use a different email address" while registering (issue 13): from check answers, a 6-digit code
// goes to the new address; once it is checked the account is created with that address. Real HTTP,
// real records, a real SMTP server.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { accounts, trnTokens } from "../../src/identity/db/schema";
import { sha256 } from "../../src/security/tokens";
import { Browser, addRecordsTeacher, authorize, createTrnToken, emailedCode, pageText, redeem } from "../helpers/identity-journey";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
let nextTrn = 3400001;

function newTeacher() {
  const trn = String(nextTrn++);
  const email = `t${trn}@example.com`;
  addRecordsTeacher(system.dataDir, { trn, email, firstName: "Noor", lastName: "Ali" });
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

const tokenRow = (token: string) => db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!;
const accountByEmail = (email: string) => db.select().from(accounts).where(eq(accounts.email, email)).get();

/** A registration up to check answers (no phone), with the teacher's link. */
async function atCheckAnswers() {
  const teacher = newTeacher();
  const token = await createTrnToken(system, teacher);
  const browser = new Browser(system.urls.identity);
  const auth = await authorize(system, browser, { trnToken: token });
  await browser.post("/register");
  await browser.post("/register/phone", { noPhone: "yes" });
  await browser.post("/register/preferred-name", { choice: "0" });
  expect(browser.url).toEndWith("/register/check-answers");
  return { teacher, token, browser, auth };
}

/** Asks for `address` (as `typed`) from check answers; returns the code emailed to it. */
async function askFor(browser: Browser, address: string, typed = address): Promise<string> {
  const asked = Date.now();
  await browser.get("/register/email");
  await browser.post("/register/email", { email: typed });
  expect(browser.url).toEndWith("/register/email-code");
  expect(pageText(browser.html)).toContain(address);
  return emailedCode(smtp, address, asked);
}

describe("registering with a different email address", () => {
  test("the email row has a Change link; the new address's code makes it the account's and the ID token's email", async () => {
    const { teacher, token, browser, auth } = await atCheckAnswers();
    expect(browser.html).toContain('href="/register/email"');
    expect(pageText(browser.html)).toContain(teacher.email);

    const address = `new.${teacher.trn}@example.org`;
    const code = await askFor(browser, address, `  New.${teacher.trn}@Example.org `); // typed with capitals and spaces
    const message = smtp.messages.find((m) => m.to.includes(address))!;
    expect(message.subject).toBe("Confirm the email address for your Teacher ID account");
    // Nothing changed yet: check answers still shows the link's address.
    await browser.get("/register/check-answers");
    expect(pageText(browser.html)).toContain(teacher.email);
    expect(pageText(browser.html)).not.toContain(address);

    await browser.get("/register/email-code");
    await browser.post("/register/email-code", { code });
    expect(browser.url).toEndWith("/register/check-answers");
    const check = pageText(browser.html);
    expect(check).toContain(address);
    expect(check).not.toContain(teacher.email);

    await browser.post("/register/check-answers");
    const { idToken, userinfo } = await redeem(system, browser, auth);
    for (const claims of [idToken, userinfo]) expect(claims).toMatchObject({ trn: teacher.trn, email: address, email_verified: true });
    expect(accountByEmail(address)?.trn).toBe(teacher.trn);
    expect(accountByEmail(teacher.email)).toBeUndefined();
    expect(tokenRow(token).consumedAt).not.toBeNull();
    expect(tokenRow(token).accountId).toBe(idToken.sub!);
  });

  test("a wrong code is refused and changes nothing; the right one still works", async () => {
    const { teacher, browser } = await atCheckAnswers();
    const address = `wrong.${teacher.trn}@example.org`;
    const code = await askFor(browser, address);
    const wrong = code === "000000" ? "111111" : "000000";
    await browser.post("/register/email-code", { code: wrong });
    expect(browser.status).toBe(400);
    expect(pageText(browser.html)).toContain("The security code is incorrect");
    await browser.get("/register/check-answers");
    expect(pageText(browser.html)).toContain(teacher.email);
    expect(pageText(browser.html)).not.toContain(address);

    await browser.post("/register/email-code", { code });
    expect(browser.url).toEndWith("/register/check-answers");
    expect(pageText(browser.html)).toContain(address);
  });

  test("an address another account uses: said after the code, naming no one, and nothing changes", async () => {
    const { teacher, token, browser, auth } = await atCheckAnswers();
    const taken = `taken.${teacher.trn}@example.org`;
    insertAccount(db, { email: taken, phoneNumber: null, givenName: "Sam", familyName: "Other", preferredName: "Sam Other", birthdate: "1980-01-01", trn: null });
    const code = await askFor(browser, taken); // the code page does not tell whether the address has an account
    expect(pageText(browser.html)).not.toContain("already used");

    await browser.post("/register/email-code", { code });
    expect(browser.status).toBe(409);
    const page = pageText(browser.html);
    expect(page).toContain("This email address is already used by another account");
    expect(page).not.toContain("Sam");
    expect(page).toContain("We have not changed the email address");
    // Nothing waits for a code any more, and the journey still uses the link's address.
    await browser.get("/register/email-code");
    expect(browser.url).toEndWith("/register/check-answers");
    expect(pageText(browser.html)).toContain(teacher.email);
    expect(tokenRow(token).consumedAt).toBeNull();

    await browser.post("/register/check-answers");
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken.email).toBe(teacher.email);
  });

  test("back links stay in the detour, the code page cannot be jumped to, and the link's address needs no code", async () => {
    const teacher = newTeacher();
    const browser = new Browser(system.urls.identity);
    await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    // Before the questions are answered the detour cannot be taken.
    await browser.get("/register/email");
    expect(browser.url).toBe(`${system.urls.identity}/register`);
    await browser.post("/register");
    await browser.post("/register/phone", { noPhone: "yes" });
    await browser.post("/register/preferred-name", { choice: "0" });

    // No new address waits for a code: the code page goes back to check answers.
    await browser.get("/register/email-code");
    expect(browser.url).toEndWith("/register/check-answers");
    await browser.post("/register/email-code", { code: "123456" });
    expect(browser.url).toEndWith("/register/check-answers");

    await browser.get("/register/email");
    expect(browser.html).toContain('href="/register/check-answers" class="govuk-back-link"');
    await browser.post("/register/email", { email: "not an address" });
    expect(browser.status).toBe(400);
    expect(pageText(browser.html)).toContain("Enter an email address in the correct format");

    const address = `school.${teacher.trn}@example.sch.uk`;
    await askFor(browser, address);
    expect(browser.html).toContain('href="/register/email" class="govuk-back-link"');
    expect(pageText(browser.html)).toContain("school, college or university");

    // Changing one's mind: back to the link's own address, which needs no code.
    const before = smtp.messages.length;
    await browser.post("/register/email", { email: teacher.email });
    expect(browser.url).toEndWith("/register/check-answers");
    expect(pageText(browser.html)).toContain(teacher.email);
    expect(smtp.messages.length).toBe(before);
    await browser.get("/register/email-code");
    expect(browser.url).toEndWith("/register/check-answers");
  });
});
