// Issue 19. "I cannot access this email address" in Chromium, under the real CSP: from the sign-in page to
// the email change, clicking what a teacher clicks. Each new page is screenshotted
// (test-artifacts/screenshots/recovery-*), axe-checked (serious or critical findings fail),
// reflow-checked at 320px and free of console problems. The attacks, limits and the "without a
// mobile" cases run on the built binary (test/integration/account-recovery.test.ts).
// And access's "Your details" with a date of birth the teacher gave (item 3; its journey through
// identity's outbox to records is test/integration/date-of-birth-from-teacher.test.ts).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Locator, Page } from "playwright-core";
import { teachers } from "../../src/records/db/schema";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { devMailboxCode } from "../helpers/identity-journey";
import { seeding, type Seeding } from "../helpers/access-seed";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs);

let system: TestSystem;
let seed: Seeding;
let browser: TestBrowser;

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  seed = seeding(system.dataDir);
});
afterAll(async () => {
  await browser?.close();
  seed?.close();
  await system?.stop();
});

const heading = (page: Page) => page.locator("main h1").first().innerText();
const mainText = async (page: Page) => (await page.locator("main").innerText()).replace(/\s+/g, " ");
async function clickAndLoad(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}
async function expectPage(testPage: TestPage, title: string, name: string) {
  expect(await heading(testPage.page)).toBe(title);
  await checkPage(testPage, `recovery-${name}`);
}

test("from the sign-in page to the email change, with a code texted to the account's mobile; and the help page", async () => {
  const teacher = { trn: "4950001", firstName: "Ola", lastName: "Adeyemi", dateOfBirth: "1990-03-27", email: "ola.adeyemi@example.com", qtsDate: "2026-07-01" };
  seed.teacher(teacher);
  seed.signedInAtIdentity(teacher); // the account (mobile +447700900123); this browser is not signed in
  const testPage = await browser.newPage();
  const { page } = testPage;
  await page.goto(`${system.urls.identity}/account`);
  expect(new URL(page.url()).pathname).toBe("/sign-in");
  await clickAndLoad(page, page.locator("main").getByRole("link", { name: "I cannot access this email address" }));

  await expectPage(testPage, "What is the email address of your Teacher ID account?", "email");
  await page.getByLabel("What is the email address of your Teacher ID account?").fill(teacher.email);
  await clickAndLoad(page, page.getByRole("button", { name: "Continue" }));

  await expectPage(testPage, "Check your phone", "code");
  expect(await mainText(page)).toContain("mobile number ending 123");
  const first = await devMailboxCode(system.dataDir, "sms", "+447700900123");
  await clickAndLoad(page, page.locator("main").getByRole("link", { name: "Send another code" }));
  await expectPage(testPage, "Send another code", "resend");
  await clickAndLoad(page, page.getByRole("button", { name: "Send a new code" }));
  expect(await mainText(page)).toContain("We have sent you a new code");


  const code = await devMailboxCode(system.dataDir, "sms", "+447700900123", first);
  await page.getByLabel("Enter the 6-digit security code").fill(code);
  await clickAndLoad(page, page.getByRole("button", { name: "Continue" }));
  expect(page.url()).toBe(`${system.urls.identity}/account/email`);
  expect(await page.locator("main h1, main label.govuk-label--l").first().innerText()).toContain("new email address");


  // An address with no account (the same page as an account without a mobile): how to get help.
  const other = await browser.newPage();
  await other.page.goto(`${system.urls.identity}/account`);
  await clickAndLoad(other.page, other.page.locator("main").getByRole("link", { name: "I cannot access this email address" }));
  await other.page.getByLabel("What is the email address of your Teacher ID account?").fill("nobody@example.com");
  await clickAndLoad(other.page, other.page.getByRole("button", { name: "Continue" }));
  await expectPage(other, "We cannot text you a security code", "no-mobile");
  expect(await mainText(other.page)).toContain("qts.enquiries@education.gov.uk");

});

test("access's Your details: a date of birth the teacher gave is shown with \"Given by you, not yet checked\"", async () => {
  const teacher = { trn: "4950002", firstName: "Noor", lastName: "Haddad", dateOfBirth: "1990-03-27", email: "noor.haddad@example.com", qtsDate: "2026-07-01" };
  seed.teacher(teacher);
  seed.recordsDb.update(teachers).set({ dateOfBirthProvenance: "teacher", dateOfBirthGivenAt: Date.now() }).where(eq(teachers.trn, teacher.trn)).run();
  const testPage = await browser.newPage();
  const [name, value] = seed.signedInAtIdentity(teacher).split("=");
  await testPage.context.addCookies([{ name, value, url: system.urls.identity }]);
  await testPage.page.goto(`${system.urls.access}/sign-in`);
  expect(testPage.page.url()).toBe(`${system.urls.access}/qualifications`);
  expect(await mainText(testPage.page)).toContain("Date of birth 27 March 1990 Given by you, not yet checked");
  await checkPage(testPage, "details-date-of-birth-from-teacher");
});
