// What a teacher fumbles, over real HTTP with a real SMTP server: a double click, a refresh or the
// last page sent again after success lands where the first request did (signed in, back at the
// service) or on a page that says the account exists, and never on "nothing was saved"; every
// final POST (check answers, the sign-in code, "continue" as the signed-in account, "email me a new
// link") behaves so. A browser that refuses cookies is told that cookies are needed, and why.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { desc, eq } from "drizzle-orm";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { accounts, authorizationRequests, journeys, trnTokens } from "../../src/identity/db/schema";
import { createSession } from "../../src/identity/sessions/session";
import { ukTime } from "../../src/mail/time-in-words";
import { openRecordsDatabase } from "../../src/records/db/database";
import { importTeacherCsv } from "../../src/records/import/import-teachers";
import { sha256 } from "../../src/security/tokens";
import {
  Browser,
  addRecordsTeacher,
  authorizationUrl,
  authorize,
  createTrnToken,
  emailedCode,
  pageText,
  redeem,
} from "../helpers/identity-journey";
import { hiddenFields } from "../helpers/access-seed";
import { identityOutbox } from "../helpers/outbox";
import { clientToken, putOutcome, registerApiClient, trnTokenFromLink } from "../helpers/records-support";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
let nextTrn = 5300001;
let nextIp = 1;

beforeAll(async () => {
  smtp = await startSmtpServer();
  // TRN_TOKEN_TTL 36h: the new link's email must say "36 hours", not "35 hours".
  system = await startTestSystem({ env: { SMTP_URL: smtp.url, TRUST_PROXY: "true", TRN_TOKEN_TTL: "36h" } });
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  db?.$client.close();
  await system?.stop();
  await smtp?.close();
});

/** Each browser has its own client address, so per-IP limits never mix tests up. */
const identity = () => new Browser(system.urls.identity, { "x-forwarded-for": `198.51.100.${nextIp++}` });

function newTeacher() {
  const trn = String(nextTrn++);
  const teacher = { trn, email: `fumble-${trn}@example.com` };
  addRecordsTeacher(system.dataDir, teacher);
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
function submit(browser: Browser, path: string, fields: Record<string, string> = {}): Promise<Response> {
  const csrf = decodeURIComponent(browser.cookies.get("identity_csrf") ?? "");
  return browser.request(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
}

/** Two clicks on the same button before the first answer is back: both requests reach the server. */
async function doubleClick(browser: Browser, path: string, fields: Record<string, string> = {}): Promise<Response[]> {
  return Promise.all([submit(browser, path, fields), submit(browser, path, fields)]);
}

/** What no page after a success may say. */
function expectNoLostAnswers(html: string) {
  const text = pageText(html);
  expect(text).not.toContain("timed out");
  expect(text).not.toContain("not saved");
  expect(text).not.toContain("start again");
}

const accountsWithTrn = (trn: string) => db.select().from(accounts).where(eq(accounts.trn, trn)).all();

describe("a double click, a refresh or a resubmit on the last page", () => {
  test("'Create account' clicked twice: one account, both answers send the browser back to the service with the same code", async () => {
    const teacher = newTeacher();
    const browser = identity();
    const auth = await toCheckAnswers(browser, await createTrnToken(system, teacher));
    const [first, second] = await doubleClick(browser, "/register/check-answers");
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    // The browser drops the first answer and follows the second: it must go where the first went.
    expect(second.headers.get("location")).toBe(first.headers.get("location")!);
    expect(second.headers.get("location")).toStartWith(`${system.urls.access}/sign-in/callback?`);
    // ...and sign the browser in as the first did: the same session.
    const sessionOf = (r: Response) => r.headers.getSetCookie().find((c) => c.startsWith("identity_session="))?.split(";")[0];
    expect(sessionOf(first)).toBeDefined();
    expect(sessionOf(second)).toBe(sessionOf(first)!);
    browser.leftTo = second.headers.get("location")!;
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ trn: teacher.trn, email: teacher.email });
    expect(accountsWithTrn(teacher.trn)).toHaveLength(1);
  });

  test("'Create account' sent again after the service has the code (refresh, or back and submit): 'Your Teacher ID account has been created', with the way back", async () => {
    const teacher = newTeacher();
    const browser = identity();
    const auth = await toCheckAnswers(browser, await createTrnToken(system, teacher));
    await browser.post("/register/check-answers");
    const firstLanding = browser.leftTo!;
    // Before the service has used its code, a repeat goes to the same place.
    await browser.post("/register/check-answers");
    expect(browser.leftTo).toBe(firstLanding);
    await redeem(system, browser, auth);

    for (const repeat of [() => browser.post("/register/check-answers"), () => browser.get("/register/check-answers"), () => browser.get("/register")]) {
      await repeat();
      expect(browser.status).toBe(200);
      expect(browser.leftTo).toBeUndefined();
      const text = pageText(browser.html);
      expect(text).toContain("Your Teacher ID account has been created");
      expect(text).toContain("You are signed in to Teacher ID.");
      expect(text).not.toContain("Check your answers");
      expect(browser.html).toContain(`href="${system.urls.access}/"`);
      expect(text).toContain("Continue to Access your teaching qualifications");
      expectNoLostAnswers(browser.html);
    }
    expect(accountsWithTrn(teacher.trn)).toHaveLength(1);
  });

  test("after signing out, sending the last page again signs nobody in", async () => {
    const teacher = newTeacher();
    const browser = identity();
    const auth = await toCheckAnswers(browser, await createTrnToken(system, teacher));
    await browser.post("/register/check-answers");
    const { idToken } = await redeem(system, browser, auth);
    // Sign out of Teacher ID (RP-initiated logout, confirmed on identity's page).
    const { clientId } = internalClientCredentials(system.config, "access");
    await browser.get(`/end-session?${new URLSearchParams({ client_id: clientId, logout_hint: idToken.sub! })}`);
    expect(browser.html).toContain("Sign out of Teacher ID");
    await browser.post("/end-session", hiddenFields(browser.html));
    expect(browser.cookies.has("identity_session")).toBe(false);

    const repeat = await submit(browser, "/register/check-answers");
    expect(repeat.status).toBe(200);
    expect(repeat.headers.getSetCookie().some((c) => c.startsWith("identity_session="))).toBe(false);
    const html = await repeat.text();
    expect(pageText(html)).toContain("Your Teacher ID account has been created");
    expect(pageText(html)).toContain("you will need to sign in again");
    expectNoLostAnswers(html);
  });

  test("the sign-in code sent twice: both land at the service with the same code; sent again later: 'You have signed in to Teacher ID'", async () => {
    const account = insertAccount(db, {
      email: `code-twice-${nextTrn++}@example.com`,
      phoneNumber: null,
      givenName: "Ada",
      familyName: "Lovelace",
      preferredName: null,
      birthdate: null,
      trn: null,
    });
    const browser = identity();
    const auth = await authorize(system, browser, { scope: "openid email" });
    const sent = Date.now();
    await browser.post("/sign-in", { email: account.email });
    const code = await emailedCode(smtp, account.email, sent);
    const [first, second] = await doubleClick(browser, "/sign-in/code", { code });
    expect(first.status).toBe(303);
    expect(second.headers.get("location")).toBe(first.headers.get("location")!);
    browser.leftTo = second.headers.get("location")!;
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken.sub).toBe(account.id);

    await browser.post("/sign-in/code", { code });
    expect(browser.status).toBe(200);
    expect(pageText(browser.html)).toContain("You have signed in to Teacher ID");
    expect(pageText(browser.html)).not.toContain("The security code");
    expectNoLostAnswers(browser.html);
  });

  test("a registration finished by signing in to the existing account: the code sent twice links the TRN once and lands at the service", async () => {
    const teacher = newTeacher();
    const account = insertAccount(db, {
      email: teacher.email,
      phoneNumber: null,
      givenName: "Sam",
      familyName: "Taylor",
      preferredName: null,
      birthdate: null,
      trn: null,
    });
    const token = await createTrnToken(system, teacher);
    const browser = identity();
    const auth = await authorize(system, browser, { trnToken: token });
    const sent = Date.now();
    await browser.post("/register/continue");
    const [first, second] = await doubleClick(browser, "/sign-in/code", { code: await emailedCode(smtp, teacher.email, sent) });
    expect(first.status).toBe(303);
    expect(second.headers.get("location")).toBe(first.headers.get("location")!);
    browser.leftTo = second.headers.get("location")!;
    const { idToken } = await redeem(system, browser, auth);
    expect(idToken).toMatchObject({ sub: account.id, trn: teacher.trn });
    expect(db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!.accountId).toBe(account.id);
  });

  test("'Continue' as the signed-in account clicked twice: both land at the service", async () => {
    const teacher = newTeacher();
    const account = insertAccount(db, {
      email: teacher.email,
      phoneNumber: null,
      givenName: "Sam",
      familyName: "Taylor",
      preferredName: null,
      birthdate: null,
      trn: null,
    });
    const browser = identity();
    const [name, value] = createSession(db, account.id, { secure: false }).setCookie.split(";")[0].split("=");
    browser.cookies.set(name, value);
    const auth = await authorize(system, browser, { trnToken: await createTrnToken(system, teacher) });
    expect(pageText(browser.html)).toContain(`You are signed in as ${teacher.email}`);
    const [first, second] = await doubleClick(browser, "/register/continue");
    expect(first.status).toBe(303);
    expect(second.headers.get("location")).toBe(first.headers.get("location")!);
    browser.leftTo = second.headers.get("location")!;
    expect((await redeem(system, browser, auth)).idToken).toMatchObject({ sub: account.id, trn: teacher.trn });
  });

  test("a finished journey is remembered only a while: after that, the usual 'timed out' page, which does not claim nothing was saved", async () => {
    const teacher = newTeacher();
    const browser = identity();
    await toCheckAnswers(browser, await createTrnToken(system, teacher));
    await browser.post("/register/check-answers");
    const journeyCookie = browser.cookies.get("identity_journey")!;
    db.update(journeys).set({ expiresAt: Date.now() - 1 }).where(eq(journeys.idHash, sha256(decodeURIComponent(journeyCookie)))).run();
    await browser.post("/register/check-answers");
    expect(browser.status).toBe(400);
    const text = pageText(browser.html);
    expect(text).toContain("Your session has timed out");
    expect(text).toContain("If you had not finished, we have not saved your answers");
    expect(text).toContain("if your account was created, it lets you sign in");
  });
});

describe("email me a new link", () => {
  /** Opens an expired link and returns the "Email me a new link" form's action. */
  async function expiredLinkPage(browser: Browser) {
    const teacher = newTeacher();
    const token = await createTrnToken(system, teacher);
    db.update(trnTokens).set({ expiresAt: Date.now() - 1000 }).where(eq(trnTokens.tokenHash, sha256(token))).run();
    await authorize(system, browser, { trnToken: token });
    expect(pageText(browser.html)).toContain("Your link has expired");
    return { teacher, action: /action="(\/interaction\/[^"]+\/new-link)"/.exec(browser.html)![1] };
  }
  const newLinks = (email: string) => identityOutbox(system.dataDir).filter((m) => m.to === email && m.subject?.includes("new link"));

  test("POST-redirect-GET: the button's answer is a redirect to a page that refreshing does not resend", async () => {
    const browser = identity();
    const { teacher, action } = await expiredLinkPage(browser);
    const reply = await submit(browser, action);
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe(`${action}?sent=1`);
    await browser.get(`${action}?sent=1`);
    expect(browser.status).toBe(200);
    expect(pageText(browser.html)).toContain("We have sent you a new link");
    // Refreshing the page, twice.
    await browser.get(`${action}?sent=1`);
    await browser.get(`${action}?sent=1`);
    expect(pageText(browser.html)).toContain("We have sent you a new link");
    expect(newLinks(teacher.email)).toHaveLength(1);
    // The email says how long the new link works as a person would (TRN_TOKEN_TTL is 36h here).
    const mail = await smtp.waitForMessage(teacher.email, { match: (m) => m.subject.includes("new link") });
    expect(mail.text).toMatch(/The link works for 36 hours, until (\d{1,2}(:\d\d)?[ap]m|midday|midnight) on \d{1,2} \w+ \d{4} \(UK time\)\./);
  });

  test("clicked twice: both answers go to the same page, and one email is sent", async () => {
    const browser = identity();
    const { teacher, action } = await expiredLinkPage(browser);
    const [first, second] = await doubleClick(browser, action);
    // The second press is told where the first one's link went: both say a link was sent.
    for (const reply of [first, second]) {
      expect(reply.status).toBe(303);
      expect(reply.headers.get("location")).toBe(`${action}?sent=1`);
    }
    expect(newLinks(teacher.email)).toHaveLength(1);
  });
});

describe("how long a link works, as the emails say it", () => {
  test("the QTS invitation, with TRN_TOKEN_TTL=36h: 'works for 36 hours' (not '35 hours'), until the expiry in UK time", async () => {
    const trn = String(nextTrn++);
    const email = `invited-${trn}@example.com`;
    const records = openRecordsDatabase(system.dataDir);
    try {
      const csv =
        "trn,first_name,middle_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_subjects,itt_result\n" +
        `${trn},Rosa,,Parks,1995-02-04,${email},10000001,Earl Spencer Primary School,Primary,InTraining\n`;
      const imported = importTeacherCsv(records, [csv]);
      if (!imported.ok) throw new Error(JSON.stringify(imported));
    } finally {
      records.$client.close();
    }
    const client = registerApiClient(system.dataDir, ["itt_outcome:write"]);
    const token = await clientToken(system.urls.identity, client, "itt_outcome:write");
    const reply = await putOutcome(system.urls.records, token, trn, "1995-02-04", { ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" });
    expect(reply.status).toBe(200);
    const mail = await smtp.waitForMessage(email);
    const link = trnTokenFromLink(mail.text);
    const expires = new Date(db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(link))).get()!.expiresAt);
    expect(mail.text).toContain(`The link works for 36 hours, until ${ukTime(expires, { date: true })}.`);
    expect(mail.html).toContain(`The link works for 36 hours, until ${ukTime(expires, { date: true })}.`);
  });
});

describe("a browser that refuses cookies", () => {
  /** Follows redirects keeping no cookie at all, as a browser with cookies blocked does. */
  async function withoutCookies(url: string): Promise<{ status: number; url: string; html: string }> {
    let current = url;
    for (let hops = 0; hops < 10; hops++) {
      const response = await fetch(current, { redirect: "manual", headers: { "x-forwarded-for": `198.51.100.${nextIp++}` } });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { status: response.status, url: current, html: await response.text() };
      current = new URL(location, current).toString();
    }
    throw new Error("too many redirects");
  }

  test("opening the link: told that cookies are needed, and why, instead of 'timed out'", async () => {
    const teacher = newTeacher();
    const page = await withoutCookies(authorizationUrl(system, { trnToken: await createTrnToken(system, teacher) }).url);
    expect(new URL(page.url).pathname).toBe("/register");
    expect(page.status).toBe(400);
    const text = pageText(page.html);
    expect(text).toContain("You need to turn on cookies to continue");
    expect(text).toContain("to remember your answers from one page to the next");
    expect(text).toContain("Turn on cookies in your browser's settings");
    expect(text).not.toContain("timed out");
  });

  test("signing in: the same page", async () => {
    const page = await withoutCookies(authorizationUrl(system, { scope: "openid email" }).url);
    expect(new URL(page.url).pathname).toBe("/sign-in");
    expect(pageText(page.html)).toContain("You need to turn on cookies to continue");
  });

  test("a browser that keeps cookies but whose journey is gone still hears 'timed out'", async () => {
    const browser = identity();
    await authorize(system, browser, { scope: "openid email" });
    const request = db.select({ id: authorizationRequests.id }).from(authorizationRequests).orderBy(desc(authorizationRequests.createdAt)).get()!;
    db.delete(journeys).where(eq(journeys.authorizationRequestId, request.id)).run();
    await browser.get("/sign-in?started=1");
    expect(pageText(browser.html)).toContain("Your session has timed out");
  });
});
