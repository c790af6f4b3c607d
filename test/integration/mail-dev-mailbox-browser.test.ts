// The dev mailbox page in a real browser under the real CSP: accessible (axe), no console
// problems, and its links can be followed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadIdentityConfig } from "../../src/identity/settings";
import { silentLogger } from "../../src/log/logger";
import { createMailer } from "../../src/mail/mailer";
import { checkPage, launchBrowser, type TestBrowser } from "../helpers/browser";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let browser: TestBrowser;
beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem({ only: ["records", "access"] }), launchBrowser()]);
  // identity's mailer (email and SMS), as identity would have it in development with this data directory.
  const mailer = createMailer(loadIdentityConfig({ DATA_DIR: system.dataDir }), silentLogger);
  try {
    await mailer.sendEmail({
      to: "amelia.clarke@example.com",
      subject: "You have been awarded qualified teacher status (QTS)",
      text: `Dear Amelia,\n\nUse this link:\n\n${system.urls.access}/\n\nDepartment for Education`,
    });
    await mailer.sendSms({ to: "+447700900123", text: "Your Teacher ID security code is 123456" });
  } finally {
    mailer.close();
  }
});
afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe("dev mailbox page in a browser", () => {
  test("is accessible, and the link in an email opens the page it names", async () => {
    const testPage = await browser.newPage();
    const { page } = testPage;
    expect((await page.goto(`${system.urls.records}/dev/mailbox`))?.status()).toBe(200);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Dev mailbox");
    await checkPage(testPage, "records-dev-mailbox");
    await page.getByRole("link", { name: `${system.urls.access}/` }).click();
    await page.waitForURL(`${system.urls.access}/`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Access your teaching qualifications");
  });

  test("filters by recipient", async () => {
    const { page } = await browser.newPage();
    await page.goto(`${system.urls.records}/dev/mailbox`);
    await page.getByLabel("Show messages to (email address or phone number)").fill("+447700900123");
    await page.getByRole("button", { name: "Filter" }).click();
    expect(await page.locator(".govuk-summary-card").count()).toBe(1);
    expect(await page.locator(".govuk-summary-card").textContent()).toContain("Your Teacher ID security code is 123456");
  });
});
