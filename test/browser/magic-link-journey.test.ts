// The whole seed flow, as the people in it see it, against the built binary:
// an awarding service records a Pass over the API; the invitation arrives at a real SMTP server;
// a teacher opens its link in Chromium, registers a Teacher ID account tied to their TRN, lands on
// their qualifications, downloads the QTS certificate, signs out; the same link later says it was
// used, and signing in with an email code brings them back. Every page: screenshot, axe, no CSP
// or console errors.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { extractText, getDocumentProxy } from "unpdf";
import type { Locator, Page, Response as PageResponse } from "playwright-core";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { browserTestTimeoutMs, checkPage, launchBrowser, screenshotDir, type TestBrowser, type TestPage } from "../helpers/browser";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";

setDefaultTimeout(browserTestTimeoutMs);

const teacher = {
  trn: "2921987",
  firstName: "Kanye",
  middleName: "Robert",
  lastName: "Ashworth",
  dateOfBirth: "1990-04-21",
  email: "kanye.ashworth@example.com",
  fullName: "Kanye Robert Ashworth",
  preferredName: "Kanye Ashworth",
  mobile: "07911 123982",
  mobileE164: "+447911123982",
  ukprn: "10000001",
  qtsDate: "2026-07-01",
  qtsDateText: "1 July 2026",
};

let smtp: TestSmtpServer;
let served: ServedBinary;
let browser: TestBrowser;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  // Screenshots are numbered in journey order: clear the last run's, so none is stale.
  for (const file of readdirSync(screenshotDir, { withFileTypes: true }).filter((f) => f.name.startsWith("journey-"))) {
    rmSync(join(screenshotDir, file.name));
  }
  smtp = await startSmtpServer();
  [served, browser] = await Promise.all([
    serveBinary({ env: { SMTP_URL: smtp.url }, beforeStart: importTeacher }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
  await smtp?.close();
});

/** The teacher's DQT record, loaded as an operator would: in training with provider 10000001. */
function importTeacher(run: ServedBinary["run"], dir: string) {
  const csv = join(dir, "teachers.csv");
  writeFileSync(
    csv,
    "trn,first_name,middle_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_subjects,itt_result\n" +
      `${teacher.trn},${teacher.firstName},${teacher.middleName},${teacher.lastName},${teacher.dateOfBirth},${teacher.email},` +
      `${teacher.ukprn},Earl Spencer Primary School,Primary,InTraining\n`,
  );
  const imported = run(["records", "import", csv]);
  if (imported.code !== 0) throw new Error(`records import failed: ${imported.stderr}${imported.stdout}`);
}

/** The demo awarding client's secret, which `serve` prints once on stderr. */
function demoClientSecret(): string {
  const match = /client_secret:\s+(\S+)/.exec(served.stderr());
  if (!match) throw new Error(`serve printed no demo client secret:\n${served.stderr()}`);
  return match[1];
}

async function recordPass(): Promise<Response> {
  const tokenResponse = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`demo-awarding-service:${demoClientSecret()}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "itt_outcome:write" }),
  });
  expect(tokenResponse.status).toBe(200);
  const { access_token } = (await tokenResponse.json()) as { access_token: string };
  return fetch(`${served.urls.records}/v2/teachers/${teacher.trn}/itt-outcome?birthdate=${teacher.dateOfBirth}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
    body: JSON.stringify({ ittProviderUkprn: teacher.ukprn, outcome: "Pass", assessmentDate: teacher.qtsDate }),
  });
}

/** Newest text message to the teacher's phone in the dev mailbox, and the 6-digit code in it. */
async function latestSmsCode(after: number): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const sms = readDevMailbox(served.dataDir, { to: teacher.mobileE164 }).find(
      (m) => m.channel === "sms" && m.id > after,
    );
    const code = sms && /\b(\d{6})\b/.exec(sms.text)?.[1];
    if (code) return code;
    await Bun.sleep(25);
  }
  throw new Error(`No text message with a code to ${teacher.mobileE164}`);
}

/** Messages records has ever queued (its outbox in records.sqlite, read as an operator could). */
function outboxSize(): number {
  const db = new Database(join(served.dataDir, "records.sqlite"), { readonly: true });
  try {
    return (db.query("SELECT count(*) AS n FROM outbox").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Every address the browser was redirected through to get `response`, first to last. */
function redirectChain(response: PageResponse): URL[] {
  const chain: URL[] = [];
  for (let request: ReturnType<PageResponse["request"]> | null = response.request(); request; request = request.redirectedFrom()) {
    chain.unshift(new URL(request.url()));
  }
  return chain;
}

function lastSmsId(): number {
  return readDevMailbox(served.dataDir, { to: teacher.mobileE164 })[0]?.id ?? 0;
}

const originOf = (page: Page) => new URL(page.url()).origin;
const mainText = async (page: Page) => (await page.locator("main").innerText()).replace(/\s+/g, " ");

let step = 0;
/** Screenshot + axe + no console/CSP problems, named in journey order. */
async function check(testPage: TestPage, name: string) {
  step += 1;
  await checkPage(testPage, `journey-${String(step).padStart(2, "0")}-${name}`);
}

/** The page's one submit button in <main> (GOV.UK pages have one primary action). */
const primaryButton = (page: Page) =>
  page.locator("main form button.govuk-button:not(.govuk-button--secondary)").first();

/** Clicks and waits for the next page to load (a form POST always answers with a new page or a 303). */
async function clickAndLoad(page: Page, target: Locator = primaryButton(page)) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}

/** Waits for the browser to arrive at `path` on `origin`; says where it is instead if it does not. */
async function expectAt(page: Page, origin: string, path: string | RegExp) {
  const matches = (url: URL) =>
    url.origin === origin && (typeof path === "string" ? url.pathname === path : path.test(url.pathname));
  try {
    await page.waitForURL(matches, { timeout: 10_000 });
  } catch {
    throw new Error(
      `Expected ${origin}${path}, but the browser is at ${page.url()}:\n${await mainText(page).catch(() => "")}`,
    );
  }
}

describe("register via a magic link, in a browser, against the built binary", () => {
  let link = "";
  let testPage: TestPage;

  test("the awarding service records a Pass and the teacher is emailed a link", async () => {
    const response = await recordPass();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ trn: teacher.trn, qtsDate: teacher.qtsDate });
    const email = await smtp.waitForMessage(teacher.email, { timeoutMs: 15_000 });
    const found = new RegExp(
      `${served.urls.access.replace(/[.:/]/g, "\\$&")}/register\\?trn_token=[A-Za-z0-9_-]+`,
    ).exec(email.text);
    expect(found).not.toBeNull();
    link = found![0];
    // Recording the same Pass again is safe: same answer, and nothing new to send. (A 2xx means
    // the change is on disk, so an extra invitation would already be in records' outbox.)
    const queued = outboxSize();
    const again = await recordPass();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ trn: teacher.trn, qtsDate: teacher.qtsDate });
    expect(outboxSize()).toBe(queued);
    expect(smtp.messages.filter((m) => m.to.includes(teacher.email))).toHaveLength(1);
  }, 30_000);

  test("the link leads to Teacher ID, which registers an account with a mobile number", async () => {
    expect(link).not.toBe("");
    testPage = await browser.newPage();
    const { page } = testPage;
    const identity = served.urls.identity;

    // access hands over to identity (/authorize, with the token intact), which shows the
    // registration landing page.
    const landing = await page.goto(link);
    await expectAt(page, identity, "/register");
    const chain = redirectChain(landing!);
    expect(chain[0].href).toBe(link);
    const authorize = chain.find((url) => url.origin === identity && url.pathname === "/authorize");
    expect(authorize?.searchParams.get("trn_token")).toBe(new URL(link).searchParams.get("trn_token"));
    expect(authorize?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(await mainText(page)).toContain(teacher.email);
    await check(testPage, "identity-landing");
    await clickAndLoad(page, page.getByRole("button", { name: /create (an|your) account/i }));

    // Mobile number; nothing entered first: a GOV.UK error summary linked to the field.
    await expectAt(page, identity, "/register/phone");
    await check(testPage, "mobile-number");
    await clickAndLoad(page);
    await expectAt(page, identity, "/register/phone");
    expect(await page.title()).toStartWith("Error: ");
    expect(await page.locator(".govuk-error-summary a[href='#phone']").count()).toBe(1);
    await check(testPage, "mobile-number-error");
    const smsBefore = lastSmsId();
    await page.locator("main input#phone").fill(teacher.mobile);
    await clickAndLoad(page);

    // Security code by text message.
    await expectAt(page, identity, "/register/phone-code");
    expect(await mainText(page)).toContain("123982");
    await check(testPage, "check-your-phone");
    await page.locator("main input#code").fill(await latestSmsCode(smsBefore));
    await clickAndLoad(page);

    // Preferred name: the names on the teacher's record are offered.
    await expectAt(page, identity, "/register/preferred-name");
    await check(testPage, "preferred-name");
    await page.getByLabel(teacher.preferredName, { exact: true }).check();
    await clickAndLoad(page);

    // Check your answers: the date of birth came from the record, so it was not asked.
    await expectAt(page, identity, "/register/check-answers");
    const answers = await mainText(page);
    expect(answers).toContain(teacher.preferredName);
    expect(answers).toContain("123982");
    expect(answers).toContain(teacher.email);
    expect(answers).toContain(teacher.trn);
    await check(testPage, "check-answers");
    await clickAndLoad(page, page.getByRole("button", { name: "Create account" }));
  }, 30_000);

  test("back on access, signed in, the qualifications page shows the QTS date", async () => {
    const { page } = testPage;
    await expectAt(page, served.urls.access, "/qualifications");
    const text = await mainText(page);
    expect(text).toContain("Qualified teacher status (QTS)");
    expect(text).toMatch(new RegExp(`Date awarded ${teacher.qtsDateText}`));
    // The registration created the account: a success banner says so, on this first page only.
    const banner = page.locator(".govuk-notification-banner--success");
    expect((await banner.innerText()).replace(/\s+/g, " ")).toContain("Your Teacher ID account has been created");
    // As themselves: greeted by the name they chose, their official name kept in "Your details", and a way to sign out.
    expect((await page.locator(".govuk-caption-l").innerText()).trim()).toBe(teacher.preferredName);
    expect(await page.locator(".govuk-summary-list", { hasText: "Teacher reference number" }).innerText()).toContain(teacher.fullName);
    expect(text).toContain(teacher.trn);
    expect(await page.getByRole("link", { name: "Sign out" }).count()).toBe(1);
    await check(testPage, "qualifications");
    // Once: a refresh no longer shows it.
    await page.reload();
    expect(await page.locator(".govuk-notification-banner").count()).toBe(0);
    expect(await mainText(page)).not.toContain("has been created");
  }, 30_000);

  test("'Download QTS certificate' saves a PDF with the teacher's name and TRN", async () => {
    const { page } = testPage;
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: /download (your )?QTS certificate/i }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`qts-certificate-${teacher.trn}.pdf`);
    const bytes = new Uint8Array(readFileSync(await download.path()));
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("%PDF-");
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("Qualified teacher status (QTS)");
    expect(flat).toContain(`This is to certify that ${teacher.fullName}`);
    expect(flat).toContain(`Teacher reference number (TRN): ${teacher.trn}`);
    expect(flat).toContain(`has been awarded qualified teacher status (QTS) on ${teacher.qtsDateText}.`);
  }, 30_000);

  test("signing out ends the session: the qualifications page asks to sign in again", async () => {
    const { page } = testPage;
    const qualificationsUrl = page.url();
    await clickAndLoad(
      page,
      page
        .getByRole("link", { name: "Sign out" })
        .or(page.getByRole("button", { name: "Sign out" }))
        .first(),
    );
    // Teacher ID asks before it ends its own session (RP-initiated logout), then hands back.
    await expectAt(page, served.urls.identity, /^\/end-session/);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Sign out of Teacher ID");
    await check(testPage, "identity-sign-out");
    await clickAndLoad(page, page.locator("main").getByRole("button", { name: "Sign out" }));
    await expectAt(page, served.urls.access, /signed-out/);
    expect(await mainText(page)).toMatch(/signed out/i);
    await check(testPage, "signed-out");
    // Signed out of both: the qualifications page sends the browser to Teacher ID's sign-in.
    await page.goto(qualificationsUrl);
    await expectAt(page, served.urls.identity, "/sign-in");
    expect(await mainText(page)).not.toContain(teacher.qtsDateText);
    await check(testPage, "sign-in-after-sign-out");
  }, 30_000);

  test("the same link again says it was used; signing in with an email code returns to the qualifications", async () => {
    const fresh = await browser.newPage();
    const { page } = fresh;
    const identity = served.urls.identity;
    await page.goto(link);
    expect(originOf(page)).toBe(identity);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link has already been used");
    await check(fresh, "link-already-used");
    await clickAndLoad(
      page,
      page
        .getByRole("button", { name: /sign in/i })
        .or(page.getByRole("link", { name: /sign in/i }))
        .first(),
    );

    // Email address, then the code emailed to it.
    await check(fresh, "sign-in-email");
    const emailsBefore = smtp.messages.length;
    await page.locator("main input[type=email], main input[name=email]").first().fill(teacher.email);
    await clickAndLoad(page);
    await check(fresh, "check-your-email");
    const codeEmail = await smtp.waitForMessage(teacher.email, {
      match: (m) => smtp.messages.indexOf(m) >= emailsBefore && /\b\d{6}\b/.test(m.text),
    });
    await page.locator("main input#code").fill(/\b(\d{6})\b/.exec(codeEmail.text)![1]);
    await clickAndLoad(page);

    await expectAt(page, served.urls.access, "/qualifications");
    const text = await mainText(page);
    expect(text).toContain(teacher.fullName);
    expect(text).toMatch(new RegExp(`Date awarded ${teacher.qtsDateText}`));
    await check(fresh, "qualifications-after-sign-in");
  }, 30_000);
});
