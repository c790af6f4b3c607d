// The browser harness itself: the checks the other browser tests rely on do fail when they should.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { securityHeaders } from "../../src/web/security-headers";
import {
  browserTestTimeoutMs,
  checkAccessibility,
  expectNoPageProblems,
  expectReflow,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from "../helpers/browser";

setDefaultTimeout(browserTestTimeoutMs);

const pages: Record<string, string> = {
  "/bad": `<!DOCTYPE html><html lang="en"><head><title>Bad</title><link rel="stylesheet" href="/faint.css"></head>
    <body><main><h1>Bad page</h1><img src="/pixel.png"><p class="faint">faint</p>
    <script>document.title = "inline ran"</script></main></body></html>`,
  "/wide": `<!DOCTYPE html><html lang="en"><head><title>Wide</title></head><body><main><h1>Wide</h1>
    <p class="unbreakable">${"x".repeat(200)}</p></main></body></html>`,
  "/table": `<!DOCTYPE html><html lang="en"><head><title>Table</title></head><body><main><h1>Table</h1>
    <table><tr><td>${"y".repeat(60)}</td><td>${"z".repeat(60)}</td></tr></table></main></body></html>`,
  "/good": `<!DOCTYPE html><html lang="en"><head><title>Good</title></head><body><main><h1>Good page</h1>
    <p>Readable text.</p></main></body></html>`,
};

let browser: TestBrowser;
let server: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  browser = await launchBrowser();
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === "/faint.css")
        return new Response(".faint { color: #ccc; background: #fff }", { headers: { "content-type": "text/css" } });
      const body = pages[path];
      // The services' own CSP, so the harness is tried under the policy real pages have.
      const headers = { ...securityHeaders([], false), "content-type": "text/html; charset=utf-8" };
      return body ? new Response(body, { headers }) : new Response("missing", { status: 404, headers });
    },
  });
});
afterAll(async () => {
  await browser?.close();
  server?.stop(true);
});

test("axe runs under the services' CSP and names each serious or critical violation", async () => {
  const testPage = await browser.newPage();
  await testPage.page.goto(`http://127.0.0.1:${server.port}/bad`);
  const error = await checkAccessibility(testPage.page).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.message).toContain("[critical] image-alt");
  expect(error?.message).toContain("on img");
  expect(error?.message).toContain("color-contrast");
});

test("an inline script blocked by CSP and a missing image are reported as page problems", async () => {
  const testPage = await browser.newPage();
  await testPage.page.goto(`http://127.0.0.1:${server.port}/bad`);
  expect(await testPage.page.title()).toBe("Bad"); // the inline script did not run
  expect(() => expectNoPageProblems(testPage)).toThrow(
    "Executing inline script violates the following Content Security Policy",
  );
  expect(() => expectNoPageProblems(testPage)).toThrow(/image http:\S+\/pixel\.png answered 404/);
});

test("a clean page passes, and its screenshot is written", async () => {
  const testPage = await browser.newPage();
  await testPage.page.goto(`http://127.0.0.1:${server.port}/good`);
  expect(await checkAccessibility(testPage.page)).toEqual([]);
  expectNoPageProblems(testPage);
  const path = await screenshot(testPage.page, "harness-good");
  expect((await Bun.file(path).bytes()).subarray(1, 4)).toEqual(new TextEncoder().encode("PNG"));
});

test("content that makes a 320px-wide page scroll sideways fails the reflow check; a wide data table does not", async () => {
  const testPage = await browser.newPage();
  await testPage.page.goto(`http://127.0.0.1:${server.port}/wide`);
  await expect(expectReflow(testPage.page, "harness-wide")).rejects.toThrow(
    /needs sideways scrolling: \d+px too wide at 320px \(p\.unbreakable\)/,
  );
  expect(testPage.page.viewportSize()?.width).toBe(1024); // put back afterwards
  await testPage.page.goto(`http://127.0.0.1:${server.port}/table`);
  await expectReflow(testPage.page, "harness-table");
});
