// The support console (/admin) in Chromium, under the real CSP: a support officer enrols TOTP
// (codes computed here with otpauth), signs in, finds a teacher, changes their email, blocks and
// unblocks them and reads the timeline; an admin adds a client and opens every admin page. Every
// console page is screenshotted (test-artifacts/screenshots/admin-*), axe-checked (serious or
// critical findings fail), reflow-checked at 320 px and free of console problems; a page template
// used again (the confirmation page of another action) is checked once.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Locator, Page } from "playwright-core";
import { addStaff } from "../../src/identity/admin/staff/staff";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { accounts } from "../../src/identity/db/schema";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { devMailboxCode } from "../helpers/identity-journey";
import { totpCode } from "../helpers/staff-console";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs);

let system: TestSystem;
let browser: TestBrowser;
let db: IdentityDatabaseFile;
const teacherId = crypto.randomUUID();

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem({ only: ["identity"], env: { RECORDS_URL: "http://127.0.0.1:9" } }), launchBrowser()]);
  db = openIdentityDatabase(system.dataDir);
  addStaff(db, { email: "sam.support@education.gov.uk", role: "support" });
  addStaff(db, { email: "ada.admin@education.gov.uk", role: "admin" });
  const now = Date.now();
  db.insert(accounts)
    .values({ id: teacherId, email: "noor.haddad@example.com", emailVerified: true, phoneNumber: "+447700900123", phoneNumberVerified: true, givenName: "Noor", familyName: "Haddad", birthdate: "1990-03-27", trn: "4950001", createdAt: now, updatedAt: now })
    .run();
});
afterAll(async () => {
  db?.$client.close();
  await browser?.close();
  await system?.stop();
});

const heading = (page: Page) => page.locator("main h1").first().innerText();
const mainText = async (page: Page) => (await page.locator("main").innerText()).replace(/\s+/g, " ");
async function clickAndLoad(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}
const button = (page: Page, name: string) => page.locator("main").getByRole("button", { name, exact: true });
const link = (page: Page, name: string) => page.locator("main").getByRole("link", { name, exact: true });
async function expectPage(testPage: TestPage, title: string, name: string) {
  expect(await heading(testPage.page)).toBe(title);
  await checkPage(testPage, `admin-${name}`);
}

/** Email code, then enrolment (first sign-in): ends on the search page; returns the recovery codes. */
async function signInFirstTime(testPage: TestPage, email: string, name: string): Promise<string[]> {
  const { page } = testPage;
  await page.goto(`${system.urls.identity}/admin`);
  expect(new URL(page.url()).pathname).toBe("/admin/sign-in");
  if (name === "support") await expectPage(testPage, "Sign in to Teacher ID support", "sign-in");
  await page.getByLabel("Sign in to Teacher ID support").fill(email);
  await clickAndLoad(page, button(page, "Continue"));
  if (name === "support") await expectPage(testPage, "Check your email", "code");
  await page.getByLabel("Security code").fill(await devMailboxCode(system.dataDir, "email", email));
  await clickAndLoad(page, button(page, "Continue"));
  if (name === "support") await expectPage(testPage, "Set up your authenticator app", "enrol");
  expect(await page.locator("#totp-qr svg").count()).toBe(1);
  const secret = (await page.locator("#totp-secret").innerText()).replaceAll(" ", "");
  await page.getByLabel("Code from your authenticator app").fill(totpCode(secret));
  await clickAndLoad(page, button(page, "Continue"));
  if (name === "support") await expectPage(testPage, "Save your recovery codes", "recovery-codes");
  expect(await page.locator("#recovery-codes li").count()).toBe(10);
  const codes = await page.locator("#recovery-codes code").allInnerTexts();
  await clickAndLoad(page, page.locator("main").getByRole("link", { name: "I have saved my recovery codes" }));
  expect(await heading(page)).toBe("Find a teacher");
  return codes;
}

describe("the support console in a browser", () => {
  // One support officer's browser through the first two tests.
  let testPage: TestPage;
  let recoveryCodes: string[] = [];

  test("a support officer enrols, finds a teacher and changes their email", async () => {
    testPage = await browser.newPage();
    const { page } = testPage;
    recoveryCodes = await signInFirstTime(testPage, "sam.support@education.gov.uk", "support");
    await expectPage(testPage, "Find a teacher", "search");
    expect(await page.locator("#signed-in-as").innerText()).toContain("sam.support@education.gov.uk");

    await page.getByLabel("Find a teacher").fill("Haddad");
    await clickAndLoad(page, button(page, "Search"));
    expect(await mainText(page)).toContain("1 teacher found by name");
    await expectPage(testPage, "Find a teacher", "search-results");
    await clickAndLoad(page, link(page, "Noor Haddad"));
    await expectPage(testPage, "Noor Haddad", "teacher");

    await clickAndLoad(page, link(page, "Change email address"));
    await expectPage(testPage, "New email address", "email");
    await page.getByLabel("New email address").fill("noor.haddad@school.example.org");
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Confirm the new email address", "email-confirm");
    await clickAndLoad(page, button(page, "Change email address"));
    expect(await page.title()).toStartWith("Error: ");
    expect(await heading(page)).toBe("Confirm the new email address");
    await page.getByLabel("Reason").fill("Ticket 101: teacher phoned, identity checked");
    await clickAndLoad(page, button(page, "Change email address"));
    expect(await mainText(page)).toContain("The email address has been changed");
    expect(await mainText(page)).toContain("noor.haddad@school.example.org");
  });

  test("then blocks and unblocks them, reads the timeline, signs out and back in with a recovery code", async () => {
    const { page } = testPage;
    await clickAndLoad(page, link(page, "Change mobile number"));
    await expectPage(testPage, "New mobile number", "mobile");
    await page.goto(`${system.urls.identity}/admin/teachers/${teacherId}`);

    await clickAndLoad(page, link(page, "Block status"));
    await expectPage(testPage, "Block this account", "block");
    await page.getByLabel("Reason").fill("Ticket 102: account taken over");
    await clickAndLoad(page, button(page, "Block account"));
    expect(await mainText(page)).toContain("This account is blocked");
    await clickAndLoad(page, link(page, "Unblock status"));
    expect(await heading(page)).toBe("Unblock this account");
    await page.getByLabel("Reason").fill("Ticket 102: resolved");
    await clickAndLoad(page, button(page, "Unblock account"));
    expect(await heading(page)).toBe("Noor Haddad");
    const timeline = (await page.locator("#timeline").innerText()).replace(/\s+/g, " ");
    expect(timeline).toContain("UserUnblocked");
    expect(timeline).toContain("UserBlocked");
    expect(timeline).toContain("Ticket 102: account taken over");
    expect(timeline).toContain("UserUpdated");

    // Support is not admin: the admin pages are refused.
    await page.goto(`${system.urls.identity}/admin/clients`);
    await expectPage(testPage, "You cannot do this", "forbidden");
    await page.goto(`${system.urls.identity}/admin/sign-out`);
    await expectPage(testPage, "Sign out of Teacher ID support", "sign-out");
    await clickAndLoad(page, button(page, "Sign out"));
    expect(await mainText(page)).toContain("You have signed out");

    // Signing in again: the email code, then the app's code, or (no phone to hand) a recovery code.
    const previous = await devMailboxCode(system.dataDir, "email", "sam.support@education.gov.uk");
    await page.getByLabel("Sign in to Teacher ID support").fill("sam.support@education.gov.uk");
    await clickAndLoad(page, button(page, "Continue"));
    await page.getByLabel("Security code").fill(await devMailboxCode(system.dataDir, "email", "sam.support@education.gov.uk", previous));
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Enter the code from your authenticator app", "totp");
    await clickAndLoad(page, link(page, "I cannot use my authenticator app"));
    await expectPage(testPage, "Enter a recovery code", "recovery");
    await page.getByLabel("Enter a recovery code").fill(recoveryCodes[0]!);
    await clickAndLoad(page, button(page, "Sign in"));
    expect(await heading(page)).toBe("Find a teacher");
  });

  let adminPage: TestPage;

  test("an admin adds a client (the secret shown once)", async () => {
    adminPage = await browser.newPage();
    const testPage = adminPage;
    const { page } = testPage;
    await signInFirstTime(testPage, "ada.admin@education.gov.uk", "admin");
    await clickAndLoad(page, page.getByRole("link", { name: "Clients" }));
    await expectPage(testPage, "Clients", "clients");
    await clickAndLoad(page, link(page, "Add a client"));
    await expectPage(testPage, "Add a client", "client-add");
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Add a client", "client-add-error");
    await page.getByLabel("Name (what teachers see)").fill("Register trainee teachers");
    await page.getByLabel("Client ID").fill("register");
    await page.getByLabel("Grant types").fill("client_credentials");
    await page.getByLabel("Scopes").fill("itt_outcome:write");
    await clickAndLoad(page, button(page, "Continue"));
    expect(await heading(page)).toBe("Add this client");
    await page.getByLabel("Reason").fill("Onboarding the Register service");
    await clickAndLoad(page, button(page, "Add client"));
    await expectPage(testPage, "Client added", "client-secret");
    expect(await page.locator("#secret-shown-once").innerText()).toMatch(/client_secret\s+[A-Za-z0-9_-]{43}/);
  });

  test("and opens every other admin page", async () => {
    const testPage = adminPage;
    const { page } = testPage;
    for (const [path, title, name] of [
      ["/admin/webhooks", "Webhooks", "webhooks"],
      ["/admin/webhooks/add", "Add a webhook subscriber", "webhook-add"],
      ["/admin/staff", "Staff", "staff"],
      ["/admin/staff/add", "Add a staff member", "staff-add"],
      ["/admin/keys", "Signing keys", "keys"],
    ] as const) {
      await page.goto(`${system.urls.identity}${path}`);
      await expectPage(testPage, title, name);
    }
  });
});
