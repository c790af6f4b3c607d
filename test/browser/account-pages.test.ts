// "Your Teacher ID account" (/account) in Chromium, under the real CSP: each flow from start to end,
// clicking what a teacher clicks, with every page and each error state screenshotted
// (test-artifacts/screenshots/account-*), axe-checked (serious or critical findings fail),
// reflow-checked at 320px and free of console problems. Each page's <h1> is checked first, so a
// test cannot pass by checking the wrong page. Teachers and their first session are put in the
// databases directly (test/helpers/access-seed.ts); the POSTs' attacks run on the built binary
// (test/integration/account-page.test.ts).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Locator, Page } from "playwright-core";
import { accounts } from "../../src/identity/db/schema";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { devMailboxCode } from "../helpers/identity-journey";
import { seeding, type SeedTeacher, type Seeding } from "../helpers/access-seed";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs);

let system: TestSystem;
let seed: Seeding;
let browser: TestBrowser;
let nextTrn = 4900001;

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  seed = seeding(system.dataDir);
});
afterAll(async () => {
  await browser?.close();
  seed?.close();
  await system?.stop();
});

function newTeacher(): SeedTeacher {
  const trn = String(nextTrn++);
  const teacher = { trn, firstName: "Noor", middleName: "Amal", lastName: "Haddad", dateOfBirth: "1990-03-27", email: `noor.${trn}@example.com`, qtsDate: "2026-07-01" };
  seed.teacher(teacher);
  return teacher;
}

/** A browser signed in at identity as a new teacher, then at access (so access has a grant), on /account. */
async function signedInOnAccount(): Promise<{ testPage: TestPage; teacher: SeedTeacher }> {
  const teacher = newTeacher();
  const testPage = await browser.newPage();
  const [name, value] = seed.signedInAtIdentity(teacher).split("=");
  await testPage.context.addCookies([{ name, value, url: system.urls.identity }]);
  const { page } = testPage;
  await page.goto(`${system.urls.access}/sign-in`);
  expect(page.url()).toBe(`${system.urls.access}/qualifications`);
  await clickAndLoad(page, page.getByRole("link", { name: "Your Teacher ID account" }));
  expect(page.url()).toBe(`${system.urls.identity}/account`);
  return { testPage, teacher };
}

const heading = (page: Page) => page.locator("main h1").first().innerText();
const mainText = async (page: Page) => (await page.locator("main").innerText()).replace(/\s+/g, " ");

async function expectPage(testPage: TestPage, title: string, name: string) {
  expect(await heading(testPage.page)).toBe(title);
  await checkPage(testPage, `account-${name}`);
}

/** An error state: GOV.UK title prefix, an error summary whose links point at fields, each message tied to its field. */
async function expectErrorPage(testPage: TestPage, title: string, name: string) {
  const { page } = testPage;
  expect(await page.title()).toStartWith("Error: ");
  const links = page.locator(".govuk-error-summary a");
  expect(await links.count()).toBeGreaterThan(0);
  for (const href of await links.evaluateAll((as) => as.map((a: any) => a.getAttribute("href") as string))) {
    expect(await page.locator(href).count()).toBe(1);
  }
  const described = await page.locator("[aria-describedby]").evaluateAll((els) => els.map((e: any) => e.getAttribute("aria-describedby") as string));
  const errorIds = await page.locator(".govuk-error-message").evaluateAll((els) => els.map((e: any) => e.id as string));
  for (const id of errorIds) expect(described.some((ids) => ids.split(" ").includes(id))).toBe(true);
  await expectPage(testPage, title, name);
}

async function clickAndLoad(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}
const button = (page: Page, name: string | RegExp) => page.locator("main").getByRole("button", { name, exact: typeof name === "string" });
const link = (page: Page, name: string | RegExp) => page.locator("main").getByRole("link", { name });

describe("your Teacher ID account in a browser", () => {
  test("from access's header: the summary of the account, the record and the services", async () => {
    const { testPage, teacher } = await signedInOnAccount();
    await expectPage(testPage, "Your Teacher ID account", "overview");
    const text = await mainText(testPage.page);
    expect(text).toContain(`Email address ${teacher.email}`);
    expect(text).toContain(`Name ${teacher.firstName} ${teacher.middleName} ${teacher.lastName}`);
    expect(text).toContain(`Teacher reference number (TRN) ${teacher.trn}`);
    expect(text).toContain("Access your teaching qualifications Last signed in");
  });

  test("not signed in: a sign-in by email code that comes back to the account", async () => {
    const teacher = newTeacher();
    seed.signedInAtIdentity(teacher);
    const testPage = await browser.newPage();
    const { page } = testPage;
    await page.goto(`${system.urls.identity}/`);
    // Teacher ID's start page: "Sign in" (a link styled as a start button).
    await clickAndLoad(page, page.locator("main").getByRole("button", { name: "Sign in" }));
    expect(await heading(page)).toBe("Enter your email address");
    await page.locator("#email").fill(teacher.email);
    await clickAndLoad(page, button(page, "Continue"));
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "email", teacher.email));
    await clickAndLoad(page, button(page, "Continue"));
    expect(page.url()).toBe(`${system.urls.identity}/account`);
    await expectPage(testPage, "Your Teacher ID account", "overview-after-sign-in");
  });

  test("change email: a school address asks first, a code goes to the new address, the change is made", async () => {
    const { testPage, teacher } = await signedInOnAccount();
    const { page } = testPage;
    await clickAndLoad(page, link(page, "Change email address"));
    await expectPage(testPage, "What is your new email address?", "email");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "What is your new email address?", "email-error");

    const schoolEmail = `n.haddad.${teacher.trn}@stmarys.sch.uk`;
    await page.locator("#email").fill(schoolEmail);
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Are you sure you want to use a school or university email address?", "email-school");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Are you sure you want to use a school or university email address?", "email-school-error");
    await page.getByLabel("Yes, use this email address").check();
    await clickAndLoad(page, button(page, "Continue"));

    await expectPage(testPage, "Check your email", "email-code");
    expect(await mainText(page)).toContain(schoolEmail);
    await page.locator("#code").fill("000000");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Check your email", "email-code-error");
    await page.getByText("I have not received an email").click();
    await clickAndLoad(page, button(page, "Send another code"));
    await expectPage(testPage, "Check your email", "email-code-resent");
    expect(await page.locator(".govuk-notification-banner").innerText()).toContain("We have sent you a new code");
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "email", schoolEmail));
    await clickAndLoad(page, button(page, "Continue"));

    await expectPage(testPage, "Your Teacher ID account", "overview-email-changed");
    expect(await page.locator(".govuk-notification-banner").innerText()).toContain("Your email address has been changed");
    expect(await mainText(page)).toContain(`Email address ${schoolEmail}`);
  });

  test("change email to an address another account uses: says so after the code, names nobody, changes nothing", async () => {
    const { testPage, teacher } = await signedInOnAccount();
    const other = newTeacher();
    seed.signedInAtIdentity(other);
    const { page } = testPage;
    await clickAndLoad(page, link(page, "Change email address"));
    await page.locator("#email").fill(other.email);
    await clickAndLoad(page, button(page, "Continue"));
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "email", other.email));
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "This email address is already used by another account", "email-in-use");
    await clickAndLoad(page, link(page, "Go back to your account"));
    expect(await mainText(page)).toContain(`Email address ${teacher.email}`);
  });

  test("change mobile with a text message code, then remove it", async () => {
    const { testPage } = await signedInOnAccount();
    const { page } = testPage;
    await clickAndLoad(page, link(page, "Change mobile number"));
    await expectPage(testPage, "What is your new mobile number?", "mobile");
    await page.locator("#phone").fill("0121 496 0000");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "What is your new mobile number?", "mobile-error");
    await page.locator("#phone").fill("07911 123654");
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Check your phone", "mobile-code");
    await page.locator("#code").fill("12");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Check your phone", "mobile-code-error");
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "sms", "+447911123654"));
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Your Teacher ID account", "overview-mobile-changed");
    expect(await mainText(page)).toContain("Mobile number 07911 123654");

    await clickAndLoad(page, link(page, "Change mobile number"));
    await clickAndLoad(page, button(page, "Remove mobile number"));
    await expectPage(testPage, "Your Teacher ID account", "overview-mobile-removed");
    expect(await mainText(page)).toContain("Mobile number Not given");
    expect(await link(page, "Add mobile number").count()).toBe(1);
  });

  test("change preferred name: a name on the record or another", async () => {
    const { testPage, teacher } = await signedInOnAccount();
    const { page } = testPage;
    await clickAndLoad(page, link(page, "Change preferred name"));
    await expectPage(testPage, "What name should we use?", "preferred-name");
    await page.getByLabel("Other", { exact: true }).check();
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "What name should we use?", "preferred-name-error");
    await page.getByLabel(`${teacher.firstName} ${teacher.lastName}`, { exact: true }).check();
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Your Teacher ID account", "overview-preferred-name-changed");
    expect(await mainText(page)).toContain(`Preferred name ${teacher.firstName} ${teacher.lastName}`);
  });

  test("remove a service's access", async () => {
    const { testPage } = await signedInOnAccount();
    const { page } = testPage;
    await clickAndLoad(page, link(page, /Remove access/));
    await expectPage(testPage, "Remove access for Access your teaching qualifications?", "remove-access");
    await clickAndLoad(page, button(page, "Remove access"));
    await expectPage(testPage, "Your Teacher ID account", "overview-access-removed");
    expect(await page.locator(".govuk-notification-banner").innerText()).toContain("You have removed access for Access your teaching qualifications");
    expect(await mainText(page)).toContain("No services can use your Teacher ID account at the moment");
  });

  test("sign out everywhere", async () => {
    const { testPage } = await signedInOnAccount();
    const { page } = testPage;
    await clickAndLoad(page, link(page, "Sign out everywhere"));
    await expectPage(testPage, "Sign out everywhere", "sign-out-everywhere");
    await clickAndLoad(page, button(page, "Sign out everywhere"));
    await expectPage(testPage, "You have signed out everywhere", "signed-out-everywhere");
    // Access's session is gone too, within its check of the token with records.
    await page.goto(`${system.urls.identity}/account`);
    expect(await heading(page)).toBe("Enter your email address");
  });

  test("delete the account: what it means, a fresh email code, and what happened", async () => {
    const { testPage, teacher } = await signedInOnAccount();
    const { page } = testPage;
    await clickAndLoad(page, link(page, "Delete your Teacher ID account"));
    await expectPage(testPage, "Delete your Teacher ID account", "delete");
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Check your email", "delete-code");
    await page.locator("#code").fill("999999");
    await clickAndLoad(page, button(page, "Delete your account"));
    await expectErrorPage(testPage, "Check your email", "delete-code-error");
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "email", teacher.email));
    await clickAndLoad(page, button(page, "Delete your account"));
    await expectPage(testPage, "Your Teacher ID account has been deleted", "deleted");
    expect(seed.identityDb.select().from(accounts).where(eq(accounts.email, teacher.email)).all()).toEqual([]);
    await page.goto(`${system.urls.identity}/account`);
    expect(await heading(page)).toBe("Enter your email address");
  });
});
