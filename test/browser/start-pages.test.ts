// The built binary's pages in a real browser: each service's start page and its "Page not found",
// with the real CSP in force, screenshots, and axe-core checks.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser } from "../helpers/browser";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

setDefaultTimeout(browserTestTimeoutMs);

// Browser globals for code passed to page.evaluate (tsconfig has no DOM lib).
declare const document: any;
declare function getComputedStyle(element: unknown): { fontFamily: string; backgroundColor: string };

let served: ServedBinary;
let browser: TestBrowser;

beforeAll(async () => {
  [served, browser] = await Promise.all([serveBinary(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

const startPages: { service: "identity" | "records" | "access"; heading: string }[] = [
  { service: "identity", heading: "Teacher ID" },
  { service: "records", heading: "Qualified Teachers API" },
  { service: "access", heading: "Access your teaching qualifications" },
];

describe("start pages of the built binary", () => {
  for (const { service, heading } of startPages) {
    test(`${service}: the start page renders with GOV.UK styles and passes axe`, async () => {
      const testPage = await browser.newPage();
      const { page } = testPage;
      const response = await page.goto(`${served.urls[service]}/`);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(heading);
      // A start page is named once: "Service name - GOV.UK", not "Service name - Service name - GOV.UK".
      expect(await page.title()).toBe(`${heading} - GOV.UK`);
      // The stylesheet and font loaded under the CSP: GOV.UK's font and the blue header.
      const font = await page.evaluate(() => getComputedStyle(document.querySelector("h1")!).fontFamily);
      expect(font).toContain("GDS Transport");
      const headerColour = await page.evaluate(
        () => getComputedStyle(document.querySelector(".govuk-header")!).backgroundColor,
      );
      expect(headerColour).toBe("rgb(29, 112, 184)");
      await checkPage(testPage, `start-${service}`);
      // The skip link is the first thing a keyboard user reaches, and it leads to the main content.
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Skip to main content");
      await page.keyboard.press("Enter");
      // Following the link is asynchronous in the browser: wait for it (fails after the timeout).
      await page.waitForURL((url) => url.hash === "#main-content", { timeout: 5000 });
      expect(new URL(page.url()).hash).toBe("#main-content");
    });

    test(`${service}: an unknown address shows the GOV.UK "Page not found" page with a 404`, async () => {
      const testPage = await browser.newPage();
      const { page } = testPage;
      const response = await page.goto(`${served.urls[service]}/no-such-page`);
      expect(response?.status()).toBe(404);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Page not found");
      expect(await page.title()).toBe(`Page not found - ${heading} - GOV.UK`);
      await checkPage(testPage, `not-found-${service}`);
      await Promise.all([page.waitForEvent("load"), page.getByRole("link", { name: "Go to the start page" }).click()]);
      expect(page.url()).toBe(`${served.urls[service]}/`);
    });
  }

  test("a phone-sized screen gets the same pages without sideways scrolling", async () => {
    const testPage = await browser.newPage({ viewport: { width: 320, height: 640 } });
    const { page } = testPage;
    await page.goto(`${served.urls.access}/`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await checkPage(testPage, "start-access-320px");
  });
});
