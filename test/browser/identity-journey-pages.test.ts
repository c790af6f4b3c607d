// Every page of identity's sign-in and registration journeys in Chromium, under the real CSP:
// each step, each error state and each page that stops a journey gets a screenshot, the axe
// check (serious or critical findings fail), the 320px reflow check and no console problems.
// Each page's <h1> is checked first, so a test cannot pass by checking the wrong page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Locator, Page } from "playwright-core";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { trnTokens } from "../../src/identity/db/schema";
import { createSession } from "../../src/identity/sessions/session";
import { sha256 } from "../../src/security/tokens";
import { checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { addRecordsTeacher, authorizationUrl, createTrnToken, devMailboxCode } from "../helpers/identity-journey";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let browser: TestBrowser;
let db: IdentityDatabaseFile;
let nextTrn = 4100001;

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem({ env: { CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: "3" } }), launchBrowser()]);
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  await browser?.close();
  db?.$client.close();
  await system?.stop();
});

function newTeacher(fields: { dateOfBirth?: string | null } = {}) {
  const trn = String(nextTrn++);
  const teacher = { trn, email: `page-${trn}@example.com`, firstName: "Noor", lastName: "Haddad", ...fields };
  addRecordsTeacher(system.dataDir, teacher);
  return teacher;
}

function existingAccount(email: string, trn: string | null) {
  return insertAccount(db, { email, phoneNumber: null, givenName: "Kim", familyName: "Lee", preferredName: "Kim Lee", birthdate: "1988-02-03", trn });
}

/** Opens the magic link's authorization request (as access would redirect) in a fresh browser context. */
async function openLink(trnToken: string, options: { signedInAs?: string } = {}): Promise<TestPage> {
  const testPage = await browser.newPage();
  if (options.signedInAs) {
    const [name, value] = createSession(db, options.signedInAs, { secure: false }).setCookie.split(";")[0].split("=");
    await testPage.context.addCookies([{ name, value, url: system.urls.identity }]);
  }
  await testPage.page.goto(authorizationUrl(system, { trnToken }).url);
  return testPage;
}

const heading = (page: Page) => page.locator("main h1").first().innerText();

/** The page has this heading, then passes every check. */
async function expectPage(testPage: TestPage, title: string, name: string) {
  expect(await heading(testPage.page)).toBe(title);
  await checkPage(testPage, `identity-${name}`);
}

/** An error state: GOV.UK title prefix, an error summary whose links point at fields on the page. */
async function expectErrorPage(testPage: TestPage, title: string, name: string) {
  const { page } = testPage;
  expect(await page.title()).toStartWith("Error: ");
  const links = page.locator(".govuk-error-summary a");
  expect(await links.count()).toBeGreaterThan(0);
  for (const href of await links.evaluateAll((as) => as.map((a: any) => a.getAttribute("href") as string))) {
    expect(await page.locator(href).count()).toBe(1);
    // Never a control hidden in a closed <details>: the link must lead somewhere the teacher can see.
    expect(await page.locator(href).isVisible()).toBe(true);
  }
  // The error message is announced with its field: some field or fieldset is described by it.
  const described = await page.locator("[aria-describedby]").evaluateAll((els) => els.map((e: any) => e.getAttribute("aria-describedby") as string));
  const errorIds = await page.locator(".govuk-error-message").evaluateAll((els) => els.map((e: any) => e.id as string));
  for (const id of errorIds) expect(described.some((ids) => ids.split(" ").includes(id))).toBe(true);
  for (const id of described.flatMap((ids) => ids.split(" "))) expect(await page.locator(`[id="${id}"]`).count()).toBe(1);
  await expectPage(testPage, title, name);
}

async function clickAndLoad(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}
const button = (page: Page, name: string | RegExp) => page.locator("main").getByRole("button", { name });

describe("identity's journey pages in a browser", () => {
  test("registration: every step and its error state, with the date of birth asked", async () => {
    const teacher = newTeacher({ dateOfBirth: null });
    const testPage = await openLink(await createTrnToken(system, teacher));
    const { page } = testPage;
    await expectPage(testPage, "Create a Teacher ID account", "register-landing");

    await clickAndLoad(page, button(page, "Create an account"));
    await expectPage(testPage, "Enter your mobile number", "register-phone");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Enter your mobile number", "register-phone-error");

    await page.locator("#phone").fill("07911 123400");
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Check your phone", "register-phone-code");
    await page.locator("#code").fill("12345");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Check your phone", "register-phone-code-error");
    await page.getByText("I have not received a text message").click();
    await clickAndLoad(page, button(page, "Send another code"));
    await expectPage(testPage, "Check your phone", "register-phone-code-resent");
    expect(await page.locator("main").innerText()).toContain("We have sent you a new code");
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "sms", "+447911123400"));
    await clickAndLoad(page, button(page, "Continue"));

    await expectPage(testPage, "What name should we use?", "register-preferred-name");
    // No JavaScript is served (GOV.UK Frontend's would put aria-expanded on the radio, which axe
    // reports as critical), so the "Other" box is always shown, as GOV.UK does without JavaScript.
    expect(await page.locator("#other-name").isVisible()).toBe(true);
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "What name should we use?", "register-preferred-name-error");
    await page.getByLabel("Other", { exact: true }).check();
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "What name should we use?", "register-preferred-name-other-error");
    await page.locator("#other-name").fill("Noor H");
    await clickAndLoad(page, button(page, "Continue"));

    await expectPage(testPage, "What is your date of birth?", "register-date-of-birth");
    await page.locator("#date-of-birth-day").fill("31");
    await page.locator("#date-of-birth-month").fill("2");
    await page.locator("#date-of-birth-year").fill("1990");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "What is your date of birth?", "register-date-of-birth-error");
    await page.locator("#date-of-birth-day").fill("27");
    await page.locator("#date-of-birth-month").fill("3");
    await clickAndLoad(page, button(page, "Continue"));

    await expectPage(testPage, "Check your answers", "register-check-answers");
    await clickAndLoad(page, button(page, "Create account"));
    expect(new URL(page.url()).origin).toBe(system.urls.access);
  }, 30_000);

  test("registration: a different email address from check answers, its code, their error states, and an address in use", async () => {
    const teacher = newTeacher();
    const testPage = await openLink(await createTrnToken(system, teacher));
    const { page } = testPage;
    await clickAndLoad(page, button(page, "Create an account"));
    await clickAndLoad(page, button(page, "I do not have access to a mobile phone"));
    await page.getByLabel("Noor Haddad").check();
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Check your answers", "register-check-answers-email-link");

    await clickAndLoad(page, page.locator("main").getByRole("link", { name: "Change email address" }));
    await expectPage(testPage, "What email address do you want to use?", "register-email");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "What email address do you want to use?", "register-email-error");

    const address = `noor.${teacher.trn}@example.sch.uk`;
    await page.locator("#email").fill(address);
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Check your email", "register-email-code");
    expect(await page.locator("main").innerText()).toContain("school, college or university");
    await page.locator("#code").fill("12345");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Check your email", "register-email-code-error");
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "email", address));
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Check your answers", "register-check-answers-new-email");
    expect(await page.locator("main").innerText()).toContain(address);

    // Another account's address: said after its code, naming no one.
    const taken = `kim.${teacher.trn}@example.com`;
    existingAccount(taken, null);
    await clickAndLoad(page, page.locator("main").getByRole("link", { name: "Change email address" }));
    await page.locator("#email").fill(taken);
    await clickAndLoad(page, button(page, "Continue"));
    await page.locator("#code").fill(await devMailboxCode(system.dataDir, "email", taken));
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "This email address is already used by another account", "register-email-in-use");
    await clickAndLoad(page, page.getByRole("link", { name: "Go back to check your answers" }));
    expect(await page.locator("main").innerText()).toContain(address);
  }, 30_000);

  test("links that cannot register: unknown, expired (and the new link), used, and records without the teacher", async () => {
    const unknown = await openLink("A".repeat(43));
    await expectPage(unknown, "This link is not valid", "link-unknown");

    const teacher = newTeacher();
    const expiredToken = await createTrnToken(system, teacher);
    db.update(trnTokens).set({ expiresAt: Date.now() - 1000 }).where(eq(trnTokens.tokenHash, sha256(expiredToken))).run();
    const expired = await openLink(expiredToken);
    await expectPage(expired, "Your link has expired", "link-expired");
    await clickAndLoad(expired.page, button(expired.page, "Email me a new link"));
    await expectPage(expired, "We have sent you a new link", "link-new-link-sent");

    const usedToken = await createTrnToken(system, newTeacher());
    db.update(trnTokens).set({ consumedAt: Date.now() }).where(eq(trnTokens.tokenHash, sha256(usedToken))).run();
    await expectPage(await openLink(usedToken), "This link has already been used", "link-used");

    const missing = await openLink(await createTrnToken(system, { trn: "4199999", email: "nobody@example.com" }));
    await expectPage(missing, "Sorry, you cannot create your account at the moment", "register-records-cannot-find");
  }, 30_000);

  test("accounts that already exist: continue, choose which account (and its error), and both conflicts", async () => {
    const sameEmail = newTeacher();
    existingAccount(sameEmail.email, null);
    await expectPage(await openLink(await createTrnToken(system, sameEmail)), "You already have a Teacher ID account", "register-existing-account");

    const chooser = newTeacher();
    const other = existingAccount(`other-${chooser.trn}@example.com`, null);
    const choose = await openLink(await createTrnToken(system, chooser), { signedInAs: other.id });
    await expectPage(choose, "Which account do you want to use?", "register-choose-account");
    await clickAndLoad(choose.page, button(choose.page, "Continue"));
    await expectErrorPage(choose, "Which account do you want to use?", "register-choose-account-error");

    const otherTrn = newTeacher();
    existingAccount(otherTrn.email, "4188888");
    await expectPage(
      await openLink(await createTrnToken(system, otherTrn)),
      "Your account is linked to a different teacher reference number",
      "register-account-has-other-trn",
    );

    const taken = newTeacher();
    existingAccount(`holder-${taken.trn}@example.com`, taken.trn);
    await expectPage(
      await openLink(await createTrnToken(system, { trn: taken.trn, email: `new-${taken.trn}@example.com` })),
      "Your teacher reference number is linked to another account",
      "register-trn-bound-elsewhere",
    );
  }, 30_000);

  test("sign in: email, check your email, send another code, too many codes, and their errors", async () => {
    const account = existingAccount("sign-in-pages@example.com", null);
    const testPage = await browser.newPage();
    const { page } = testPage;
    await page.goto(authorizationUrl(system, { scope: "openid email" }).url);
    await expectPage(testPage, "Enter your email address", "sign-in-email");
    await page.locator("#email").fill("not an email");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Enter your email address", "sign-in-email-error");

    await page.locator("#email").fill(account.email);
    await clickAndLoad(page, button(page, "Continue"));
    await expectPage(testPage, "Check your email", "sign-in-check-email");
    await page.locator("#code").fill("abc");
    await clickAndLoad(page, button(page, "Continue"));
    await expectErrorPage(testPage, "Check your email", "sign-in-check-email-error");

    await page.getByText("I have not received an email").click();
    // The same pattern as "Check your phone": the button is in the details, and the page says a new code went.
    await clickAndLoad(page, button(page, "Send another code"));
    await expectPage(testPage, "Check your email", "sign-in-check-email-resent");
    expect(await page.locator(".govuk-notification-banner").innerText()).toContain("We have sent you a new code");

    // CODE_SEND_LIMIT_PER_ADDRESS_AND_IP is 3 here: two sent so far, one more allowed, the fourth refused.
    for (let i = 0; i < 2; i++) {
      await page.getByText("I have not received an email").click();
      await clickAndLoad(page, button(page, "Send another code"));
    }
    await expectPage(testPage, "You need to wait before trying again", "sign-in-too-many-codes");
  }, 30_000);

  test("nothing to continue: no journey, an unknown authorization request, a broken client link", async () => {
    const noJourney = await browser.newPage();
    await noJourney.page.goto(`${system.urls.identity}/sign-in`);
    await expectPage(noJourney, "There is nothing to continue on this page", "journey-none");

    // A journey cookie whose journey has ended: only this is "timed out", with the rule as it is.
    const timedOut = await browser.newPage();
    await timedOut.context.addCookies([{ name: "identity_journey", value: "an-ended-journey", url: system.urls.identity }]);
    await timedOut.page.goto(`${system.urls.identity}/sign-in`);
    await expectPage(timedOut, "Your session has timed out", "journey-expired");
    expect(await timedOut.page.locator("main").innerText()).toContain("You have 1 hour from when you start");

    // Every footer's "Get help", and the beta banner's feedback form with its thank-you page.
    const help = await browser.newPage();
    await help.page.goto(`${system.urls.identity}/`);
    await clickAndLoad(help.page, help.page.locator("footer").getByRole("link", { name: "Get help" }));
    await expectPage(help, "Get help", "help");
    await clickAndLoad(help.page, help.page.getByRole("link", { name: "give your feedback" }));
    await expectPage(help, "Give feedback", "feedback");
    await clickAndLoad(help.page, button(help.page, "Send feedback"));
    await expectErrorPage(help, "Give feedback", "feedback-error");
    await help.page.locator("#feedback").fill("Clear pages, thank you.");
    await clickAndLoad(help.page, button(help.page, "Send feedback"));
    await expectPage(help, "Thank you for your feedback", "feedback-thank-you");

    const oldRequest = await browser.newPage();
    await oldRequest.page.goto(`${system.urls.identity}/interaction/no-such-request`);
    await expectPage(oldRequest, "You need to start again", "request-expired");

    const brokenLink = await browser.newPage();
    await brokenLink.page.goto(authorizationUrl(system, { extra: { client_id: "no-such-client" } }).url);
    await expectPage(brokenLink, "There is a problem with the link you followed", "authorize-error");
  }, 30_000);
});
