// The support operations' pages (src/identity/support/) in Chromium, under the real CSP: each page
// and each error state axe-checked (serious or critical findings fail), reflow-checked at 320px,
// screenshotted (test-artifacts/screenshots/support-*). A support officer signs in to identity's
// console in Chromium (email code, then TOTP enrolment), which mounts these pages behind its guard.
// What the operations do is tested over HTTP in test/integration/support-operations.test.tsx.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Page } from "playwright-core";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { createChangeRequest } from "../../src/records/change-requests/change-requests";
import { seeding, type Seeding } from "../helpers/access-seed";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { addStaff } from "../../src/identity/admin/staff/staff";
import { devMailboxCode } from "../helpers/identity-journey";
import { totpCode } from "../helpers/staff-console";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs);

let system: TestSystem;
let seed: Seeding;
let browser: TestBrowser;
let testPage: TestPage;
let nextTrn = 6700001;

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  seed = seeding(system.dataDir);
  const email = "sol.support@education.gov.uk";
  addStaff(seed.identityDb, { email, role: "support" });
  testPage = await browser.newPage();
  const { page } = testPage;
  const next = () => Promise.all([page.waitForEvent("load"), page.locator("main").getByRole("button", { name: "Continue", exact: true }).click()]);
  await page.goto(`${system.urls.identity}/admin`);
  await page.getByLabel("Sign in to Teacher ID support").fill(email);
  await next();
  await page.getByLabel("Security code").fill(await devMailboxCode(system.dataDir, "email", email));
  await next();
  await page.getByLabel("Code from your authenticator app").fill(totpCode((await page.locator("#totp-secret").innerText()).replaceAll(" ", "")));
  await next();
  expect(await page.locator("#recovery-codes li").count()).toBe(10);
});
afterAll(async () => {
  await browser?.close();
  seed?.close();
  await system?.stop();
});

function teacher(): string {
  const trn = String(nextTrn++);
  seed.teacher({ trn, firstName: "Noor", lastName: "Haddad", dateOfBirth: "1990-03-27", email: `noor.${trn}@example.com` });
  return trn;
}

const account = (trn: string | null, n: number) =>
  insertAccount(seed.identityDb, { email: `noor.haddad.${n}@example.com`, phoneNumber: null, givenName: "Noor", familyName: "Haddad", preferredName: null, birthdate: null, trn });

const heading = (page: Page) => page.locator("main h1").first().innerText();
const errorSummary = (page: Page) => page.locator(".govuk-error-summary").innerText();

async function open(path: string, title: string, name: string) {
  await testPage.page.goto(`${system.urls.identity}${path}`);
  expect(await heading(testPage.page)).toBe(title);
  await checkPage(testPage, `support-${name}`);
}

async function submitAndExpectError(button: string, message: string, name: string) {
  await Promise.all([testPage.page.waitForEvent("load"), testPage.page.getByRole("button", { name: button }).click()]);
  expect(await errorSummary(testPage.page)).toContain(message);
  await checkPage(testPage, `support-${name}`);
}

describe("support pages", () => {
  test("assign a TRN, and its error state", async () => {
    const target = account(null, 1);
    await open(`/admin/teachers/${target.id}/trn`, "Assign a TRN", "trn-assign");
    await submitAndExpectError("Assign this TRN", "Enter a TRN that is 7 digits", "trn-assign-error");
    await testPage.page.getByLabel("TRN").fill(teacher());
    await testPage.page.getByLabel("Reason").fill("Ticket 1");
    await Promise.all([testPage.page.waitForEvent("load"), testPage.page.getByRole("button", { name: "Assign this TRN" }).click()]);
    expect(await testPage.page.locator(".govuk-notification-banner").innerText()).toContain("The TRN was assigned.");
    await checkPage(testPage, "support-trn-assigned");
    expect(await heading(testPage.page)).toBe("Remove the TRN");
    await submitAndExpectError("Remove this TRN", "Enter a reason", "trn-remove-error");
  });

  test("send a new link, and its error state", async () => {
    await open("/admin/new-link", "Send a new link to create an account", "new-link");
    await submitAndExpectError("Send the link", "Enter a reason", "new-link-error");
  });

  test("merge two accounts, and its error state", async () => {
    const survivor = account(null, 2);
    const merged = account(teacher(), 3);
    await open(`/admin/merge?survivor=${survivor.id}&merged=${merged.id}`, "Merge two accounts", "merge");
    await submitAndExpectError("Merge the accounts", "Enter a reason", "merge-error");
  });

  test("a change request, and its error state", async () => {
    const trn = teacher();
    const created = createChangeRequest(seed.recordsDb, {
      trn,
      requestedBy: "sub",
      requested: { firstName: "Noor", middleName: null, lastName: "Haddad-Khan" },
      evidence: { name: "deed poll.pdf", type: { ext: "pdf", mime: "application/pdf" }, bytes: new TextEncoder().encode("%PDF-1.4\n%%EOF\n") },
      accessUrl: system.urls.access,
    });
    if (!created.ok) throw new Error(created.reason);
    await open(`/admin/change-requests/${created.change.caseReference}`, created.change.caseReference, "change-request");
    await submitAndExpectError("Confirm decision", "Select whether to approve or reject the request", "change-request-error");
  });
});
