// "Create an account without a link" in Chromium, one system for the file (the three services, the
// real records and its matcher behind a TEST-ONLY forwarding proxy, a real SMTP server): a strong
// match lands at access signed in with qualifications; no match opens a case that access shows, a
// support officer signs in to the console and assigns the TRN on the case's page (records-checked,
// confirmed with a reason), and signing in again shows the qualifications; an email that has an account becomes a
// sign-in. Every new page: screenshot, axe, 320 px reflow, no console or CSP errors.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { addStaff } from "../../src/identity/admin/staff/staff";
import { seeding, type SeedTeacher } from "../helpers/access-seed";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { startFindRecordSystem, type FindRecordSystem } from "../helpers/find-record-system";
import { totpCode } from "../helpers/staff-console";

setDefaultTimeout(browserTestTimeoutMs * 2);

const matched: SeedTeacher = { trn: "5012345", firstName: "Priya", lastName: "Natarajan", dateOfBirth: "1993-06-14", email: "priya.record@example.com", qtsDate: "2026-07-01" };
const unmatched: SeedTeacher = { trn: "5023456", firstName: "Gwen", lastName: "Llewellyn", dateOfBirth: "1985-09-30", email: "gwen.record@example.com", qtsDate: "2024-07-01" };
const signedUp: SeedTeacher = { trn: "5034567", firstName: "Omar", lastName: "Haddad", dateOfBirth: "1990-02-11", email: "omar.record@example.com", qtsDate: "2023-07-01" };

let s: FindRecordSystem;
const staffEmail = "kim.support@education.gov.uk";
let browser: TestBrowser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startFindRecordSystem(), launchBrowser()]);
  const seed = seeding(s.system.dataDir);
  for (const t of [matched, unmatched, signedUp]) seed.teacher(t);
  seed.close();
  addStaff(s.db, { email: staffEmail, role: "support" });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const mainText = async (page: Page) => (await page.locator("main").innerText()).replace(/\s+/g, " ");
const pathOf = (page: Page) => new URL(page.url()).pathname;

async function submit(page: Page, name = "Continue") {
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name }).first().click()]);
}

/** Email and its code, as a teacher types them; ends on the name page (or wherever the code leads). */
async function proveEmail(t: TestPage, email: string, check: boolean) {
  const { page } = t;
  expect(pathOf(page)).toBe("/find-record");
  if (check) await checkPage(t, "find-record-01-email");
  const sentAfter = Date.now();
  await page.getByLabel("What is your email address?").fill(email);
  await submit(page);
  expect(pathOf(page)).toBe("/find-record/email-code");
  if (check) await checkPage(t, "find-record-02-email-code");
  const message = await s.smtp.waitForMessage(email, { match: (m) => m.receivedAt >= sentAfter && /\b\d{6}\b/.test(m.text) });
  await page.getByLabel("Enter the 6-digit security code").fill(/\b(\d{6})\b/.exec(message.text)![1]);
  await submit(page);
}

async function answerQuestions(t: TestPage, teacher: { firstName: string; lastName: string; dateOfBirth: string }, identifier: "trn" | "none", trn: string, check: boolean) {
  const { page } = t;
  expect(pathOf(page)).toBe("/find-record/name");
  if (check) await checkPage(t, "find-record-03-name");
  await page.getByLabel("First name").fill(teacher.firstName);
  await page.getByLabel("Last name", { exact: true }).fill(teacher.lastName);
  await page.getByLabel("No", { exact: true }).check();
  await submit(page);
  if (check) await checkPage(t, "find-record-04-date-of-birth");
  const [year, month, day] = teacher.dateOfBirth.split("-");
  await page.getByLabel("Day").fill(String(Number(day)));
  await page.getByLabel("Month").fill(String(Number(month)));
  await page.getByLabel("Year", { exact: true }).fill(year);
  await submit(page);
  expect(pathOf(page)).toBe("/find-record/identifier");
  if (check) await checkPage(t, "find-record-05-identifier");
  if (identifier === "trn") {
    await page.getByLabel("I know my TRN").check();
    await page.getByLabel("If you know your TRN, enter it").fill(trn);
  } else {
    await page.getByLabel("I do not have any of these").check();
  }
  await submit(page);
  expect(pathOf(page)).toBe("/find-record/check-answers");
  if (check) await checkPage(t, "find-record-06-check-answers");
}

describe("create an account without a link", () => {
  test("a strong match: from access's start page to the qualifications, signed in", async () => {
    const t = await browser.newPage();
    const { page } = t;
    await page.goto(`${s.system.urls.access}/`);
    await Promise.all([page.waitForEvent("load"), page.getByRole("link", { name: "create an account without a link" }).click()]);
    await proveEmail(t, "priya.new@example.com", true);
    await answerQuestions(t, matched, "trn", matched.trn, true);
    await submit(page, "Find my record and create my account");
    expect(page.url()).toBe(`${s.system.urls.access}/qualifications`);
    const text = await mainText(page);
    expect(text).toContain("Your teaching qualifications");
    expect(text).toContain("Qualified teacher status (QTS)");
    // access started it as "create an account" and identity says the account is new: said once.
    expect(await page.locator(".govuk-notification-banner--success").innerText()).toContain("Your Teacher ID account has been created");
    await checkPage(t, "access-qualifications-account-created");
    await page.reload();
    expect(await page.locator(".govuk-notification-banner").count()).toBe(0);
  });

  test("no match: the case page, access says it is looking; support assigns; signing in again shows the qualifications", async () => {
    const t = await browser.newPage();
    const { page } = t;
    // This time through identity's sign-in page and its "create an account without a link".
    await page.goto(`${s.system.urls.access}/sign-in`);
    expect(pathOf(page)).toBe("/sign-in");
    await checkPage(t, "find-record-00-sign-in-email");
    await Promise.all([page.waitForEvent("load"), page.getByRole("link", { name: "create an account without a link" }).click()]);
    const email = "gwen.new@example.com";
    await proveEmail(t, email, false);
    await answerQuestions(t, { ...unmatched, lastName: "Lewellyn" }, "none", "", false);
    await submit(page, "Find my record and create my account");
    expect(pathOf(page)).toBe("/find-record/not-found");
    await checkPage(t, "find-record-07-not-found");
    await submit(page, "Create my account and ask for help");
    expect(pathOf(page)).toBe("/find-record/case");
    await checkPage(t, "find-record-08-case");
    const reference = /TID-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(await mainText(page))![0];
    await submit(page, "Continue to Access your teaching qualifications");
    expect(page.url()).toBe(`${s.system.urls.access}/qualifications`);
    expect(await mainText(page)).toContain(`We are looking for your record (case reference ${reference}).`);
    await checkPage(t, "find-record-09-access-looking");

    // Support, in the console: sign in (email code, TOTP enrolment), Cases, the case, Assign a TRN.
    const staff = await browser.newPage();
    const console_ = staff.page;
    await console_.goto(`${s.system.urls.identity}/admin`);
    const codeAfter = Date.now();
    await console_.getByLabel("Sign in to Teacher ID support").fill(staffEmail);
    await submit(console_);
    const code = await s.smtp.waitForMessage(staffEmail, { match: (m) => m.receivedAt >= codeAfter && /\b\d{6}\b/.test(m.text) });
    await console_.getByLabel("Security code").fill(/\b(\d{6})\b/.exec(code.text)![1]!);
    await submit(console_);
    const secret = (await console_.locator("#totp-secret").innerText()).replaceAll(" ", "");
    await console_.getByLabel("Code from your authenticator app").fill(totpCode(secret));
    await submit(console_);
    await Promise.all([console_.waitForEvent("load"), console_.locator("main").getByRole("link", { name: "I have saved my recovery codes" }).click()]);
    expect(pathOf(console_)).toBe("/admin");
    // "Cases" is in the console's navigation.
    expect(await console_.locator("a[href='/admin/cases']").count()).toBeGreaterThan(0);
    await console_.goto(`${s.system.urls.identity}/admin/cases`);
    await checkPage(staff, "admin-cases");
    await Promise.all([console_.waitForEvent("load"), console_.locator("main").getByRole("link", { name: reference }).click()]);
    expect(await mainText(console_)).toContain("Lewellyn");
    await checkPage(staff, "admin-case");
    await console_.getByLabel("TRN", { exact: true }).fill(unmatched.trn);
    await submit(console_, "Check the TRN");
    expect(await mainText(console_)).toContain("Gwen Llewellyn");
    await checkPage(staff, "admin-case-assign-confirm");
    await console_.getByLabel("Reason").fill("Ticket 301: found under Llewellyn");
    await submit(console_, "Assign the TRN");
    expect(await mainText(console_)).toContain("The TRN was assigned to the account and the teacher is being emailed.");
    expect(await mainText(console_)).toContain(`Resolved: TRN ${unmatched.trn} assigned`);
    await s.smtp.waitForMessage(email, { match: (m) => m.subject.startsWith("We have found your teaching record") });

    const again = await browser.newPage();
    await again.page.goto(`${s.system.urls.access}/sign-in`);
    const sentAfter = Date.now();
    await again.page.getByLabel("Enter your email address").fill(email);
    await submit(again.page);
    const message = await s.smtp.waitForMessage(email, { match: (m) => m.receivedAt >= sentAfter && /\b\d{6}\b/.test(m.text) });
    await again.page.getByLabel("Enter the 6-digit security code").fill(/\b(\d{6})\b/.exec(message.text)![1]);
    await submit(again.page);
    expect(again.page.url()).toBe(`${s.system.urls.access}/qualifications`);
    expect(await mainText(again.page)).toContain("Qualified teacher status (QTS)");
  });

  test("the email already has an account: the code signs in to it", async () => {
    insertAccount(s.db, { email: signedUp.email, phoneNumber: null, givenName: signedUp.firstName, familyName: signedUp.lastName, preferredName: null, birthdate: signedUp.dateOfBirth, trn: signedUp.trn });
    const t = await browser.newPage();
    await t.page.goto(`${s.system.urls.access}/create-account`);
    await proveEmail(t, signedUp.email, false);
    expect(t.page.url()).toBe(`${s.system.urls.access}/qualifications`);
    expect(await mainText(t.page)).toContain("Qualified teacher status (QTS)");
    // Started as "create an account", but no account was created: no "has been created" banner.
    expect(await mainText(t.page)).not.toContain("has been created");
  });
});
