// access's pages in Chromium with the real identity and records (started from source; the built
// binary's whole journey is magic-link-journey.test.ts): the pages that journey does not reach (no
// QTS, no certificate, a broken link, a refused sign-in, record not found, a TRN two records hold,
// signed out of access only, the 500 page, Teacher ID's help and feedback), with the real CSP in force, screenshots
// (test-artifacts/screenshots/access-*) and axe checks. Teachers and identity sessions are put in
// the databases directly (see test/helpers/access-seed.ts).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { extractText, getDocumentProxy } from "unpdf";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { ServerErrorPage } from "../../src/web/error-pages";
import { inTraining, qualified, seeding, type SeedTeacher, type Seeding } from "../helpers/access-seed";

setDefaultTimeout(browserTestTimeoutMs);

let system: TestSystem;
let seed: Seeding;
let browser: TestBrowser;

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  seed = seeding(system.dataDir);
  seed.teacher(qualified);
  seed.teacher(inTraining);
});
afterAll(async () => {
  await browser?.close();
  seed?.close();
  await system?.stop();
});

/** A browser page whose cookie jar holds an identity session for the teacher. */
async function pageSignedInAtIdentity(teacher: Parameters<Seeding["signedInAtIdentity"]>[0]): Promise<TestPage> {
  const testPage = await browser.newPage();
  const [name, value] = seed.signedInAtIdentity(teacher).split("=");
  await testPage.context.addCookies([{ name, value, url: system.urls.identity }]);
  return testPage;
}

const mainText = async (testPage: TestPage) => (await testPage.page.locator("main").innerText()).replace(/\s+/g, " ");

describe("access in a browser", () => {
  test("the start page leads to sign in", async () => {
    const testPage = await browser.newPage();
    await testPage.page.goto(`${system.urls.access}/`);
    await checkPage(testPage, "access-start");
    const start = testPage.page.getByRole("button", { name: "Start now" });
    expect(await start.getAttribute("href")).toBe("/sign-in");
    // One entry point: nothing else on the page goes to /sign-in.
    expect(await testPage.page.locator('main a[href="/sign-in"]').count()).toBe(1);
    // Start now goes to identity's sign-in, asking for access's scopes.
    await Promise.all([testPage.page.waitForURL((url) => url.origin === system.urls.identity), start.click()]);
    await checkPage(testPage, "access-start-identity-sign-in");
  });

  test("signed in, the teacher sees their qualifications and downloads their certificate, then signs out", async () => {
    const testPage = await pageSignedInAtIdentity(qualified);
    const { page } = testPage;
    await page.goto(`${system.urls.access}/sign-in`);
    expect(page.url()).toBe(`${system.urls.access}/qualifications`);
    const text = await mainText(testPage);
    expect(text).toContain("Qualified teacher status (QTS)");
    expect(text).toContain("1 July 2026");
    expect(text).toContain("Amelia Rose Okafor");
    await checkPage(testPage, "access-qualifications");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: /^download QTS certificate \(PDF, about \d+ KB\)$/i }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("qts-certificate-3012345.pdf");
    const bytes = new Uint8Array(readFileSync(await download.path()));
    const { text: pdfText } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(pdfText.replace(/\s+/g, " ")).toContain("This is to certify that Amelia Rose Okafor");

    // One click on "Sign out", one confirmation at Teacher ID, back on access.
    await page.getByRole("link", { name: "Sign out" }).click();
    expect(new URL(page.url()).origin).toBe(system.urls.identity);
    await page.locator("main form button.govuk-button").first().click();
    await page.waitForURL((url) => url.origin === system.urls.access);
    expect(new URL(page.url()).pathname).toBe("/signed-out");
    expect(await mainText(testPage)).toContain("You have signed out");
    await checkPage(testPage, "access-signed-out");
    await page.goto(`${system.urls.access}/qualifications`);
    expect(new URL(page.url()).origin).toBe(system.urls.identity);
  });

  test("a teacher without QTS sees their training and no certificate", async () => {
    const testPage = await pageSignedInAtIdentity(inTraining);
    await testPage.page.goto(`${system.urls.access}/sign-in`);
    expect(await mainText(testPage)).toContain("Not awarded");
    await checkPage(testPage, "access-qualifications-no-qts");
    const response = await testPage.page.goto(`${system.urls.access}/qualifications/certificates/qts`);
    expect(response?.status()).toBe(404);
    expect(await mainText(testPage)).toContain("You do not have a QTS certificate");
    await checkPage(testPage, "access-no-certificate");
  });

  test("a broken magic link and a forged sign-in callback get clear pages", async () => {
    const testPage = await browser.newPage();
    const response = await testPage.page.goto(`${system.urls.access}/register?trn_token=broken`);
    expect(response?.status()).toBe(400);
    await checkPage(testPage, "access-invalid-link");
    const refused = await testPage.page.goto(`${system.urls.access}/sign-in/callback?state=nope&code=nope`);
    expect(refused?.status()).toBe(400);
    expect(await mainText(testPage)).toContain("We could not sign you in");
    await checkPage(testPage, "access-sign-in-refused");
  });

  test("the dead ends say where to get help: record not found, 'we need to correct this', signed out of access only", async () => {
    // An account with no TRN: "We could not find your teaching record".
    const noRecord = await pageSignedInAtIdentity({ ...inTraining, trn: null, email: "browser.no.trn@example.com" });
    const notFound = await noRecord.page.goto(`${system.urls.access}/sign-in`);
    expect(notFound?.status()).toBe(404);
    expect(await mainText(noRecord)).toContain("We could not find your teaching record");
    expect(await noRecord.page.locator("main a[href^='mailto:']").count()).toBeGreaterThan(0);
    await checkPage(noRecord, "access-record-not-found");

    // A TRN two records hold: "We need to correct this".
    const twin = { ...qualified, trn: "3077778", email: "browser.twin.one@example.com" };
    seed.teacher(twin);
    seed.teacher({ ...twin, firstName: "Other", email: "browser.twin.two@example.com" });
    const twinPage = await pageSignedInAtIdentity(twin);
    const conflict = await twinPage.page.goto(`${system.urls.access}/sign-in`);
    expect(conflict?.status()).toBe(409);
    expect(await mainText(twinPage)).toContain("We need to correct this");
    expect(await twinPage.page.locator("main a[href^='mailto:']").count()).toBeGreaterThan(0);
    await checkPage(twinPage, "access-record-needs-correcting");

    // Teacher ID could not be reached when signing out (test/integration/access-sign-in.test.ts makes it happen).
    const signedOut = await browser.newPage();
    await signedOut.page.goto(`${system.urls.access}/signed-out?teacher_id=not_reached`);
    const text = await mainText(signedOut);
    expect(text).toContain("You have signed out of Access your teaching qualifications only.");
    expect(text).toContain("Signing out of Teacher ID");
    await checkPage(signedOut, "access-signed-out-access-only");
  });

  test("the 'problem with the service' page, and Teacher ID's help and feedback pages, pass axe and reflow", async () => {
    // The 500 page (src/web/error-pages.tsx, what every service answers an unexpected error with),
    // rendered for access and shown at access's address, so its own styles load.
    const html = String(
      ServerErrorPage({
        brand: { name: "Access your teaching qualifications", url: system.urls.access, support: { email: "support@example.gov.uk", responseTime: "5 working days" }, feedbackUrl: `${system.urls.identity}/feedback?from=access` },
      }),
    );
    const errorPage = await browser.newPage();
    await errorPage.page.route(`${system.urls.access}/problem-page`, (route) => route.fulfill({ status: 500, contentType: "text/html; charset=utf-8", body: `<!DOCTYPE html>${html.replace(/^<!DOCTYPE html>/i, "")}` }));
    await errorPage.page.goto(`${system.urls.access}/problem-page`);
    expect(await errorPage.page.locator("main a[href^='mailto:']").count()).toBeGreaterThan(0);
    expect(await mainText(errorPage)).toContain("Sorry, there is a problem with the service");
    await checkPage(errorPage, "access-problem-with-the-service");

    const help = await browser.newPage();
    expect((await help.page.goto(`${system.urls.identity}/help`))?.status()).toBe(200);
    await checkPage(help, "identity-help");
    const feedback = await browser.newPage();
    expect((await feedback.page.goto(`${system.urls.identity}/feedback`))?.status()).toBe(200);
    expect(await mainText(feedback)).toContain("Give feedback");
    await checkPage(feedback, "identity-feedback");
  });
});
