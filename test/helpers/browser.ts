// Real-browser testing: playwright-core driving Debian's Chromium (`make browser` installs it),
// screenshots into test-artifacts/screenshots/, and axe-core accessibility checks.
//
// Pages keep their real Content-Security-Policy (script-src 'self'): axe is injected with
// page.evaluate, which the DevTools protocol runs outside CSP, instead of addScriptTag (an inline
// <script>, refused by that CSP) or bypassCSP (which would hide CSP breakage from these tests).
// Any CSP violation a page causes by itself is collected and fails `expectNoPageProblems`.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

// Code passed to page.evaluate runs in the page; tsconfig has no DOM lib (the app is server-side),
// so the few browser globals used here are declared for this module only.
declare const window: any;
declare const document: any;

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * For setDefaultTimeout() in each browser test file (hooks included): starting Chromium and a
 * server, or a page's axe and reflow checks, can pass 5 s (Bun's default) on a busy 2-core machine.
 * Bun 1.4.4 does not read `timeout` from bunfig.toml, so it has to be set here.
 */
export const browserTestTimeoutMs = 30_000;
export const screenshotDir = resolve(import.meta.dir, "../../test-artifacts/screenshots");

const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookie jar) and page; problems the page reports are collected. */
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<TestPage>;
  close(): Promise<void>;
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Console errors (CSP violations, failed loads) and uncaught page errors, in order. */
  problems: string[];
}

/**
 * Starts Chromium. playwright's launch() gives it a fresh temporary --user-data-dir and deletes
 * it on close (it refuses one passed in args); every newPage() is also its own context, so
 * cookies never leak between journeys.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1024, height: 768 },
        locale: "en-GB",
        timezoneId: "Europe/London",
        acceptDownloads: true,
      });
      contexts.push(context);
      const page = await context.newPage();
      return { page, context, problems: watchProblems(page) };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
    },
  };
}

/** Collects what a page reports as going wrong: console errors, failed sub-resources, uncaught errors. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    // A 404 or 400 page logs "Failed to load resource" for its own document; failed
    // sub-resources are caught below, with their address.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error on ${page.url()}: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    const request = response.request();
    if (response.status() >= 400 && !request.isNavigationRequest()) {
      problems.push(`${request.resourceType()} ${response.url()} answered ${response.status()} on ${page.url()}`);
    }
  });
  page.on("requestfailed", (request) => {
    // A download or a navigation the test moves away from is aborted on purpose.
    if (request.failure()?.errorText === "net::ERR_ABORTED") return;
    problems.push(
      `${request.resourceType()} ${request.url()} failed (${request.failure()?.errorText}) on ${page.url()}`,
    );
  });
  page.on("pageerror", (error) => problems.push(`uncaught error on ${page.url()}: ${error.message}`));
  return problems;
}

/**
 * A page in a Chromium whose settings block all cookies (the "Block all cookies" content setting,
 * written to a fresh profile's Preferences), as some teachers' browsers are set. Close it when done.
 */
export async function launchPageWithCookiesBlocked(): Promise<TestPage & { close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "teacher-id-chromium-"));
  mkdirSync(join(profile, "Default"), { recursive: true });
  writeFileSync(join(profile, "Default", "Preferences"), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1024, height: 768 },
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    problems: watchProblems(page),
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Full-page PNG at test-artifacts/screenshots/{name}.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name.replace(/[^a-z0-9._-]+/gi, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** One JSON line in test-artifacts/accessibility-notes.jsonl: findings that do not fail a test. */
function writeNote(line: string): void {
  mkdirSync(screenshotDir, { recursive: true });
  appendFileSync(join(screenshotDir, "..", "accessibility-notes.jsonl"), line + "\n");
}

let axeSource: string | undefined;

export interface AccessibilityViolation {
  id: string;
  impact: string;
  help: string;
  helpUrl: string;
  targets: string[];
}

/** Runs axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page; returns every violation. */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  axeSource ??= readFileSync(resolve(import.meta.dir, "../../node_modules/axe-core/axe.min.js"), "utf8");
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const run = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
      resultTypes: ["violations"],
    });
    return run.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact ?? "unknown",
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n: any) => (Array.isArray(n.target) ? n.target.join(" ") : String(n.target))),
    }));
  });
  return results as AccessibilityViolation[];
}

/**
 * Fails when axe finds a serious or critical violation, naming each rule and the elements it hit.
 * Minor and moderate findings are returned so a test can look at them, but do not fail.
 */
export async function checkAccessibility(page: Page): Promise<AccessibilityViolation[]> {
  const violations = await accessibilityViolations(page);
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (blocking.length > 0) {
    const list = blocking
      .map((v) => `  - [${v.impact}] ${v.id}: ${v.help}\n      on ${v.targets.join(", ")}\n      see ${v.helpUrl}`)
      .join("\n");
    throw new Error(`Accessibility violations on ${page.url()} (${await page.title()}):\n${list}`);
  }
  return violations;
}

/** Fails when the page logged a console error (e.g. a CSP violation) or threw. */
export function expectNoPageProblems(testPage: TestPage): void {
  if (testPage.problems.length > 0) {
    throw new Error(`The page reported problems:\n${testPage.problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/**
 * Screenshot plus accessibility and console checks: what every visited page should pass. Minor and
 * moderate axe findings do not fail; they are listed in test-artifacts/accessibility-notes.jsonl.
 */
export async function checkPage(
  testPage: TestPage,
  name: string,
  options: { knownReflowIssue?: string } = {},
): Promise<void> {
  await screenshot(testPage.page, name);
  const notes = await checkAccessibility(testPage.page);
  if (notes.length > 0) {
    const line = JSON.stringify({
      page: name,
      url: testPage.page.url(),
      notes: notes.map((n) => `${n.impact} ${n.id}: ${n.targets.join(", ")}`),
    });
    writeNote(line);
  }
  await expectReflow(testPage.page, name, options.knownReflowIssue);
  expectNoPageProblems(testPage);
}

/**
 * WCAG 2.2 1.4.10 Reflow: at 320 CSS pixels wide (a phone, or 400% zoom) nothing needs sideways
 * scrolling, except data tables, which the criterion allows (those are noted, not failed). Checks the
 * page at that width, then puts the viewport back.
 */
export async function expectReflow(
  page: Page,
  name = new URL(page.url()).pathname,
  /** A known problem, with who fixes it where: noted instead of failing, and failing once fixed. */
  knownIssue?: string,
): Promise<void> {
  const original = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    const overflow = await page.evaluate(() => {
      const root = document.documentElement;
      if (root.scrollWidth <= root.clientWidth) return null;
      const describe = (element: any) =>
        `${element.tagName.toLowerCase()}${element.className ? "." + String(element.className).trim().split(/\s+/).join(".") : ""}`;
      // A block's own box stays inside the page while its text runs out of it: use its content width.
      const tooWide = (Array.from(document.querySelectorAll("body *")) as any[]).filter((element) => {
        const box = element.getBoundingClientRect();
        return Math.max(box.right, box.left + element.scrollWidth) > root.clientWidth + 1;
      });
      // The innermost ones are the cause; their ancestors are only as wide as they are.
      const causes = tooWide.filter(
        (element) => !tooWide.some((other) => other !== element && element.contains(other)),
      );
      const outsideTables = causes.filter((element) => !element.closest("table"));
      return {
        pixels: root.scrollWidth - root.clientWidth,
        onlyTables: outsideTables.length === 0,
        elements: [...new Set((outsideTables.length ? outsideTables : causes).slice(0, 3).map(describe))],
      };
    });
    if (!overflow) {
      if (knownIssue) throw new Error(`${page.url()} reflows now: remove the known issue "${knownIssue}"`);
      return;
    }
    const what = `${overflow.pixels}px too wide at 320px (${overflow.elements.join(", ")})`;
    if (overflow.onlyTables || knownIssue) {
      const line = JSON.stringify({
        page: name,
        url: page.url(),
        notes: [
          knownIssue
            ? `reflow: ${what}; known issue: ${knownIssue}`
            : `reflow: a data table is ${what}; allowed, but consider a scrolling wrapper`,
        ],
      });
      writeNote(line);
      return;
    }
    await screenshot(page, `reflow-failure-${name}`);
    throw new Error(`${page.url()} needs sideways scrolling: ${what}`);
  } finally {
    if (original) await page.setViewportSize(original);
  }
}
