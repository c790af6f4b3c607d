// identity's and records' /docs pages in the built binary, in a real browser: the real CSP, nothing
// loaded from another origin, axe-core, reflow at 320 px, screenshots.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser } from "../helpers/browser";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

setDefaultTimeout(browserTestTimeoutMs);

let served: ServedBinary;
let browser: TestBrowser;

beforeAll(async () => {
  [served, browser] = await Promise.all([serveBinary(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe("API documentation pages", () => {
  for (const { service, title, operation } of [
    { service: "identity", title: "Teacher ID API", operation: "PUT /api/v1/users/{sub}/trn" },
    { service: "records", title: "Qualified Teachers API", operation: "PUT /v2/teachers/{trn}/itt-outcome" },
  ] as const) {
    test(`${service}: /docs is a readable GOV.UK page, from this origin only, that passes axe`, async () => {
      const testPage = await browser.newPage();
      const { page } = testPage;
      const origin = new URL(served.urls[service]).origin;
      const loaded: string[] = [];
      page.on("request", (request) => loaded.push(request.url()));
      const response = await page.goto(`${served.urls[service]}/docs`);
      expect(response?.status()).toBe(200);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
      // The operation's heading links from the list of operations.
      await page.getByRole("link", { name: operation }).click();
      expect(new URL(page.url()).hash).not.toBe("");
      await checkPage(testPage, `api-docs-${service}`);
      expect(loaded.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    });
  }
});
