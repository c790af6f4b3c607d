// Issue 15's "Show it", in Chromium, one system (the three services, a real SMTP server): a support
// officer enrols TOTP and signs in; finds a teacher whose email in DQT was wrong (no account yet) and
// sends a new link to the corrected address; the teacher opens that email's link and registers
// through the journey; the officer merges the teacher's duplicate account into the new one, blocks
// and unblocks it, and reads the timeline. Each support page on the way: screenshot, axe (no serious
// or critical findings), 320 px reflow, no console or CSP errors (checkPage).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Locator, Page } from "playwright-core";
import { findAccountByEmail, insertAccount, type Account } from "../../src/identity/accounts/accounts";
import { addStaff } from "../../src/identity/admin/staff/staff";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { seeding, type Seeding } from "../helpers/access-seed";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { totpCode } from "../helpers/staff-console";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs * 2);

const officer = "rowan.support@education.gov.uk";
/** DQT has a mistyped address for Kim: the invitation never arrived. */
const kim = { trn: "7012345", firstName: "Kim", lastName: "Adeyemi", dateOfBirth: "1991-08-17", email: "kim.adeyemi@exampel.con", qtsDate: "2026-07-01" };
const corrected = "kim.adeyemi@example.com";
const mobile = "07911 123456";

let smtp: TestSmtpServer;
let system: TestSystem;
let browser: TestBrowser;
let seed: Seeding;
let staff: TestPage;
/** An account Kim made earlier with another address (no TRN): the duplicate support merges away. */
let duplicate: Account;

beforeAll(async () => {
  smtp = await startSmtpServer();
  [system, browser] = await Promise.all([startTestSystem({ env: { SMTP_URL: smtp.url } }), launchBrowser()]);
  seed = seeding(system.dataDir);
  seed.teacher(kim);
  addStaff(seed.identityDb, { email: officer, role: "support" });
  duplicate = insertAccount(seed.identityDb, { email: "kim.a.personal@example.com", phoneNumber: null, givenName: "Kim", familyName: "Adeyemi", preferredName: null, birthdate: null, trn: null });
});
afterAll(async () => {
  seed?.close();
  await browser?.close();
  await system?.stop();
  await smtp?.close();
});

const mainText = async (page: Page) => (await page.locator("main").innerText()).replace(/\s+/g, " ");
const heading = (page: Page) => page.locator("main h1").first().innerText();
const pathOf = (page: Page) => new URL(page.url()).pathname;
async function clickAndLoad(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}
const button = (page: Page, name: string) => page.locator("main").getByRole("button", { name, exact: true });
const link = (page: Page, name: string) => page.locator("main").getByRole("link", { name, exact: true });
const banner = (page: Page) => page.locator(".govuk-notification-banner").innerText();

async function codeFromEmail(to: string, after: number): Promise<string> {
  const message = await smtp.waitForMessage(to, { match: (m) => m.receivedAt >= after && /\b\d{6}\b/.test(m.text) });
  return /\b(\d{6})\b/.exec(message.text)![1]!;
}

async function smsCode(to: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const code = readDevMailbox(system.dataDir, { to }).find((m) => m.channel === "sms")?.text.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    await Bun.sleep(25);
  }
  throw new Error(`no text message to ${to}`);
}

describe("a support officer fixes a wrong email in DQT, then merges, blocks and unblocks", () => {
  test("enrols TOTP and signs in", async () => {
    staff = await browser.newPage();
    const { page } = staff;
    await page.goto(`${system.urls.identity}/admin`);
    expect(pathOf(page)).toBe("/admin/sign-in");
    const after = Date.now();
    await page.getByLabel("Sign in to Teacher ID support").fill(officer);
    await clickAndLoad(page, button(page, "Continue"));
    await page.getByLabel("Security code").fill(await codeFromEmail(officer, after));
    await clickAndLoad(page, button(page, "Continue"));
    expect(await heading(page)).toBe("Set up your authenticator app");
    const secret = (await page.locator("#totp-secret").innerText()).replaceAll(" ", "");
    await page.getByLabel("Code from your authenticator app").fill(totpCode(secret));
    await clickAndLoad(page, button(page, "Continue"));
    expect(await page.locator("#recovery-codes li").count()).toBe(10);
    await clickAndLoad(page, link(page, "I have saved my recovery codes"));
    expect(await heading(page)).toBe("Find a teacher");
    expect(await page.locator("#signed-in-as").innerText()).toContain(officer);
  });

  test("finds no account for the teacher's TRN, and sends a new link to the corrected address", async () => {
    const { page } = staff;
    await page.getByLabel("Find a teacher").fill(kim.trn);
    await clickAndLoad(page, button(page, "Search"));
    expect(await mainText(page)).toContain("No teachers found");
    await clickAndLoad(page, page.getByRole("link", { name: "Send a new link" }).first());
    expect(await heading(page)).toBe("Send a new link to create an account");
    await checkPage(staff, "show-it-01-new-link");
    await page.getByLabel("TRN", { exact: true }).fill(kim.trn);
    await page.getByLabel("Email address to send the link to").fill(corrected);
    await page.getByLabel("Reason").fill("Ticket 501: the email in DQT was mistyped; teacher phoned from school");
    await clickAndLoad(page, button(page, "Send the link"));
    expect(await banner(page)).toContain("The new link is being sent.");
    await checkPage(staff, "show-it-02-new-link-sent");
  });

  test("the teacher registers with the link from that email", async () => {
    const message = await smtp.waitForMessage(corrected, { timeoutMs: 15_000 });
    const found = new RegExp(`${system.urls.access.replace(/[.:/]/g, "\\$&")}/register\\?trn_token=[A-Za-z0-9_-]+`).exec(message.text);
    expect(found).not.toBeNull();
    const teacher = await browser.newPage();
    const { page } = teacher;
    await page.goto(found![0]);
    await page.waitForURL((url) => url.origin === system.urls.identity && url.pathname === "/register");
    expect(await mainText(page)).toContain(corrected);
    await clickAndLoad(page, page.getByRole("button", { name: /create (an|your) account/i }));
    expect(pathOf(page)).toBe("/register/phone");
    await page.locator("main input#phone").fill(mobile);
    await clickAndLoad(page, page.locator("main form button.govuk-button:not(.govuk-button--secondary)").first());
    expect(pathOf(page)).toBe("/register/phone-code");
    await page.locator("main input#code").fill(await smsCode("+447911123456"));
    await clickAndLoad(page, page.locator("main form button.govuk-button:not(.govuk-button--secondary)").first());
    expect(pathOf(page)).toBe("/register/preferred-name");
    await page.getByLabel("Kim Adeyemi", { exact: true }).check();
    await clickAndLoad(page, page.locator("main form button.govuk-button:not(.govuk-button--secondary)").first());
    expect(pathOf(page)).toBe("/register/check-answers");
    await clickAndLoad(page, page.getByRole("button", { name: "Create account" }));
    await page.waitForURL(`${system.urls.access}/qualifications`);
    expect(await mainText(page)).toContain("Qualified teacher status (QTS)");
    expect(findAccountByEmail(seed.identityDb, corrected)?.trn).toBe(kim.trn);
  });

  test("merges the duplicate account into the new one, blocks and unblocks it, and reads the timeline", async () => {
    const { page } = staff;
    const registered = findAccountByEmail(seed.identityDb, corrected)!;
    await page.goto(`${system.urls.identity}/admin`);
    await page.getByLabel("Find a teacher").fill("Adeyemi");
    await clickAndLoad(page, button(page, "Search"));
    expect(await mainText(page)).toContain("2 teachers found by name");
    await page.goto(`${system.urls.identity}/admin/teachers/${registered.id}`);
    expect(await page.locator("#support-actions").count()).toBe(1);
    expect(await mainText(page)).toContain("Kim Adeyemi");
    await checkPage(staff, "show-it-03-teacher");

    await clickAndLoad(page, link(page, "Merge another account into this one"));
    expect(await heading(page)).toBe("Merge two accounts");
    expect(await page.getByLabel("Account that stays (sub)").inputValue()).toBe(registered.id);
    await page.getByLabel("Account to merge into it (sub)").fill(duplicate.id);
    await page.getByLabel("Reason").fill("Ticket 502: the teacher's old account, same person");
    await checkPage(staff, "show-it-04-merge");
    await clickAndLoad(page, button(page, "Merge the accounts"));
    expect(await banner(page)).toContain("The accounts were merged.");
    expect(findAccountByEmail(seed.identityDb, duplicate.email)).toBeUndefined();

    await page.goto(`${system.urls.identity}/admin/teachers/${registered.id}`);
    await clickAndLoad(page, link(page, "Block status"));
    await page.getByLabel("Reason").fill("Ticket 503: suspicious sign-ins");
    await clickAndLoad(page, button(page, "Block account"));
    expect(await mainText(page)).toContain("This account is blocked");
    await clickAndLoad(page, link(page, "Unblock status"));
    await page.getByLabel("Reason").fill("Ticket 503: the teacher confirmed it was them");
    await clickAndLoad(page, button(page, "Unblock account"));
    expect(await mainText(page)).not.toContain("This account is blocked");

    const timeline = (await page.locator("#timeline").innerText()).replace(/\s+/g, " ");
    for (const text of ["UserRegistered", "UserMerged", "UserBlocked", "UserUnblocked", "Ticket 502", "Ticket 503: suspicious sign-ins"]) expect(timeline).toContain(text);
    await checkPage(staff, "show-it-05-timeline");
  });
});
