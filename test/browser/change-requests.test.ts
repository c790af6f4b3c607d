// Issue 13: "Your details are wrong? Request a change" in Chromium, with the real identity, records
// and access (started from source; change-requests.test.ts attacks the built binary): the choice,
// the upload forms with every error the teacher can meet (nothing entered, an EXE renamed .pdf, an
// empty file, a file too large, half a date), the confirmation panel, and "Change requested on" on
// the qualifications page. Every page passes axe (no serious or critical findings) and reflows at
// 320 px; screenshots in test-artifacts/screenshots/change-request-*.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { seeding, type SeedTeacher, type Seeding } from "../helpers/access-seed";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs * 2);

let system: TestSystem;
let seed: Seeding;
let browser: TestBrowser;
/** Files on disk, as the teacher's device holds them (a large one is read by Chromium, not sent over DevTools). */
const filesDir = mkdtempSync(join(tmpdir(), "change-request-files-"));

const teacher = (trn: string, email: string): SeedTeacher => ({
  trn,
  firstName: "Amelia",
  middleName: "Rose",
  lastName: "Okafor",
  dateOfBirth: "1994-03-09",
  email,
  qtsDate: "2026-07-01",
});
const nameChanger = teacher("3300001", "amelia.name@example.com");
const birthdayChanger = teacher("3300002", "amelia.birthday@example.com");

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  seed = seeding(system.dataDir);
  seed.teacher(nameChanger);
  seed.teacher(birthdayChanger);
});
afterAll(async () => {
  await browser?.close();
  seed?.close();
  await system?.stop();
  rmSync(filesDir, { recursive: true, force: true });
});

/** Signed in at identity, then at access: the browser lands on the qualifications page. */
async function signedIn(t: SeedTeacher): Promise<TestPage> {
  const testPage = await browser.newPage();
  const [name, value] = seed.signedInAtIdentity(t).split("=");
  await testPage.context.addCookies([{ name, value, url: system.urls.identity }]);
  await testPage.page.goto(`${system.urls.access}/sign-in`);
  expect(testPage.page.url()).toBe(`${system.urls.access}/qualifications`);
  return testPage;
}

const mainText = async (testPage: TestPage) => (await testPage.page.locator("main").innerText()).replace(/\s+/g, " ");
const summaryLinks = async (testPage: TestPage) =>
  testPage.page.locator(".govuk-error-summary__list a").evaluateAll((links) => links.map((a: any) => [a.getAttribute("href"), a.textContent.trim()]));

const pdf = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
const exe = (() => {
  const bytes = Buffer.alloc(1024);
  bytes.write("MZ", 0, "latin1");
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write("This program cannot be run in DOS mode.", 0x4e, "latin1");
  bytes.write("PE\0\0", 0x80, "latin1");
  return bytes;
})();

async function send(testPage: TestPage, file?: string | { name: string; mimeType: string; buffer: Buffer }) {
  if (file) await testPage.page.setInputFiles("#evidence", file);
  await Promise.all([testPage.page.waitForLoadState("load"), testPage.page.waitForURL(() => true), testPage.page.getByRole("button", { name: "Send request" }).click()]);
}

describe("asking for a correction to your record", () => {
  test("name: from the qualifications page, through every error, to the case reference and 'Change requested on'", async () => {
    const testPage = await signedIn(nameChanger);
    const { page } = testPage;
    expect(await mainText(testPage)).toContain("Your details are wrong? Request a change");
    expect(await mainText(testPage)).not.toContain("Change requested on");

    await page.getByRole("link", { name: "Request a change" }).click();
    expect(page.url()).toBe(`${system.urls.access}/change-requests`);
    await checkPage(testPage, "change-request-choose");

    // Continue without choosing.
    await page.getByRole("button", { name: "Continue" }).click();
    expect(await summaryLinks(testPage)).toEqual([["#detail", "Select what you want to change"]]);
    expect(await page.title()).toStartWith("Error: ");
    await checkPage(testPage, "change-request-choose-error");

    await page.getByLabel("Your name").check();
    await page.getByRole("button", { name: "Continue" }).click();
    expect(page.url()).toBe(`${system.urls.access}/change-requests/name`);
    await checkPage(testPage, "change-request-name");

    // Nothing entered, no file.
    await send(testPage);
    expect(await summaryLinks(testPage)).toEqual([
      ["#first-name", "Enter your first name"],
      ["#last-name", "Enter your last name"],
      ["#evidence", "Select a file to upload as evidence"],
    ]);
    await checkPage(testPage, "change-request-name-missing");

    // A program renamed .pdf, sent as a PDF: the answers are kept, the file refused by its bytes.
    await page.getByLabel("First name").fill("Amelia");
    await page.getByLabel("Last name").fill("Smith");
    await send(testPage, { name: "marriage-certificate.pdf", mimeType: "application/pdf", buffer: exe });
    expect(await summaryLinks(testPage)).toEqual([["#evidence", "The selected file must be a PDF, JPG or PNG"]]);
    expect(await page.getByLabel("Last name").inputValue()).toBe("Smith");
    await checkPage(testPage, "change-request-name-wrong-type");

    await send(testPage, { name: "empty.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(0) });
    expect(await summaryLinks(testPage)).toEqual([["#evidence", "The selected file is empty"]]);

    // 11 MiB: over the form's limit, refused by its size before it is read, with the form's own summary.
    const scan = join(filesDir, "scan.pdf");
    writeFileSync(scan, Buffer.concat([pdf, Buffer.alloc(11 * 1024 * 1024, 0x20)]));
    await send(testPage, scan);
    expect(await summaryLinks(testPage)).toEqual([["#evidence", "The selected file must be smaller than 10MB"]]);
    await checkPage(testPage, "change-request-name-too-large");

    await page.getByLabel("First name").fill("Amelia");
    await page.getByLabel("Middle names (optional)").fill("Rose");
    await page.getByLabel("Last name").fill("Smith");
    await send(testPage, { name: "marriage-certificate.pdf", mimeType: "application/pdf", buffer: pdf });
    const caseReference = await page.locator(".govuk-panel__body strong").innerText();
    expect(caseReference).toMatch(/^CASE-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    expect(page.url()).toBe(`${system.urls.access}/change-requests/${caseReference}`);
    expect(await mainText(testPage)).toContain("We have emailed you to confirm it.");
    await checkPage(testPage, "change-request-sent");

    await page.getByRole("link", { name: "Go to your teaching qualifications" }).click();
    const today = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" }).format(new Date());
    expect(await page.locator(".govuk-summary-list__row", { hasText: "Name" }).first().innerText()).toContain(
      `Change requested on ${today} (case reference ${caseReference})`,
    );
    await checkPage(testPage, "change-request-qualifications-pending");
    // Nine pages checked (axe, reflow) in one journey: more than a single page's time on a busy machine.
  }, browserTestTimeoutMs * 4);

  test("date of birth: half a date, then a date and a PNG", async () => {
    const testPage = await signedIn(birthdayChanger);
    const { page } = testPage;
    await page.goto(`${system.urls.access}/change-requests`);
    await page.getByLabel("Your date of birth").check();
    await page.getByRole("button", { name: "Continue" }).click();
    expect(page.url()).toBe(`${system.urls.access}/change-requests/date-of-birth`);
    await checkPage(testPage, "change-request-date-of-birth");

    await page.getByLabel("Day").fill("3");
    await page.getByLabel("Year").fill("1994");
    await send(testPage, { name: "passport.png", mimeType: "image/png", buffer: png });
    expect(await summaryLinks(testPage)).toEqual([["#date-of-birth-month", "Date of birth must include a month"]]);
    expect(await mainText(testPage)).toContain("If you selected a file, select it again.");
    expect(await page.getByLabel("Day").inputValue()).toBe("3");
    await checkPage(testPage, "change-request-date-of-birth-error");

    await page.getByLabel("Month").fill("9");
    await send(testPage, { name: "passport.png", mimeType: "image/png", buffer: png });
    expect(await page.locator(".govuk-panel__title").innerText()).toBe("Request sent");
    await page.goto(`${system.urls.access}/qualifications`);
    expect(await page.locator(".govuk-summary-list__row", { hasText: "Date of birth" }).innerText()).toContain("Change requested on");
  });
});
