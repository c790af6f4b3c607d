// What a teacher fumbles, in Chromium under the real CSP (screenshot, axe, 320px reflow, no console
// problems on each page): "Create account" double-clicked lands on their qualifications, and sent
// again later says the account exists; a browser that blocks cookies is told cookies are needed, and
// why; "Email me a new link" answers with a page that a refresh does not send again.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { Locator, Page } from "playwright-core";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { trnTokens } from "../../src/identity/db/schema";
import { sha256 } from "../../src/security/tokens";
import { browserTestTimeoutMs, checkPage, launchBrowser, launchPageWithCookiesBlocked, type TestBrowser, type TestPage } from "../helpers/browser";
import { addRecordsTeacher, authorizationUrl, createTrnToken } from "../helpers/identity-journey";
import { identityOutbox } from "../helpers/outbox";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs);

let system: TestSystem;
let browser: TestBrowser;
let db: IdentityDatabaseFile;
let nextTrn = 4150001;

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  await browser?.close();
  db?.$client.close();
  await system?.stop();
});

function newTeacher() {
  const trn = String(nextTrn++);
  const teacher = { trn, email: `fumble-page-${trn}@example.com`, firstName: "Noor", lastName: "Haddad" };
  addRecordsTeacher(system.dataDir, teacher);
  return teacher;
}

/** Opens the magic link's authorization request (as access would redirect) in a fresh browser context. */
async function openLink(trnToken: string): Promise<TestPage> {
  const testPage = await browser.newPage();
  await testPage.page.goto(authorizationUrl(system, { trnToken }).url);
  return testPage;
}

const heading = (page: Page) => page.locator("main h1").first().innerText();

/** The page has this heading, then passes every check. */
async function expectPage(testPage: TestPage, title: string, name: string) {
  expect(await heading(testPage.page)).toBe(title);
  await checkPage(testPage, `identity-${name}`);
}

async function clickAndLoad(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent("load"), target.click()]);
}
const button = (page: Page, name: string | RegExp) => page.locator("main").getByRole("button", { name });

describe("fumbles a teacher makes, in a browser", () => {
  /** Registers without a phone, from the link as access hands it over, up to check answers. */
  async function toCheckAnswers(testPage: TestPage) {
    const { page } = testPage;
    const teacher = newTeacher();
    await page.goto(`${system.urls.access}/register?trn_token=${await createTrnToken(system, teacher)}`);
    await clickAndLoad(page, button(page, "Create an account"));
    await clickAndLoad(page, button(page, "I do not have access to a mobile phone"));
    await page.locator("input[name=choice]").first().check();
    await clickAndLoad(page, button(page, "Continue"));
    expect(await heading(page)).toBe("Check your answers");
    return teacher;
  }

  test("'Create account' double-clicked: the teacher lands on their qualifications; sent again later: 'Your Teacher ID account has been created'", async () => {
    const testPage = await browser.newPage();
    const { page } = testPage;
    const teacher = await toCheckAnswers(testPage);
    const finalPosts = () => system.logs.filter((l) => l.event === "request" && l.method === "POST" && l.path === "/register/check-answers").length;
    const before = finalPosts();
    // A person's double click: the second click comes while the first answer is still on its way
    // (held here until then, so the timing is always so). The browser then drops the first answer
    // and follows the second, although the server acted on the first.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstSent!: () => void;
    const sent = new Promise<void>((resolve) => (firstSent = resolve));
    let posts = 0;
    await page.route(`${system.urls.identity}/register/check-answers`, async (route) => {
      if (route.request().method() !== "POST" || ++posts > 1) return route.continue();
      const response = await route.fetch({ maxRedirects: 0 });
      firstSent();
      await held;
      await route.fulfill({ response }).catch(() => {});
    });
    // Check answers is taller than the window: bring the button into view before aiming at it.
    await button(page, "Create account").scrollIntoViewIfNeeded();
    const box = (await button(page, "Create account").boundingBox())!;
    const clickCreateAccount = () => page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await clickCreateAccount();
    await sent;
    await clickCreateAccount();
    release();
    // The first navigation ends aborted (that is the point): wait past it, for where the second lands.
    const atQualifications = (url: URL) => url.origin === system.urls.access && url.pathname === "/qualifications";
    for (let tries = 0; tries < 3 && !atQualifications(new URL(page.url())); tries++) {
      await page.waitForURL(atQualifications).catch((error: Error) => {
        if (!error.message.includes("ERR_ABORTED")) throw error;
      });
    }
    await page.waitForLoadState("load");
    expect(atQualifications(new URL(page.url()))).toBe(true);
    await page.unrouteAll({ behavior: "ignoreErrors" });
    expect(finalPosts() - before).toBe(2);
    expect(await heading(page)).toBe("Your teaching qualifications");
    expect(db.select().from(trnTokens).where(eq(trnTokens.trn, teacher.trn)).all().filter((t) => t.consumedAt !== null)).toHaveLength(1);

    // Back to check answers (as the browser kept it) and "Create account" again.
    await page.goBack();
    await page.waitForURL((url) => url.origin === system.urls.identity);
    if (await button(page, "Create account").count()) await clickAndLoad(page, button(page, "Create account"));
    await expectPage(testPage, "Your Teacher ID account has been created", "journey-already-finished");
    expect(await page.locator("main").innerText()).not.toMatch(/timed out|not saved/);
    await clickAndLoad(page, page.getByRole("button", { name: "Continue to Access your teaching qualifications" }));
    expect(new URL(page.url()).origin).toBe(system.urls.access);
    expect(await page.getByRole("button", { name: "Go to your qualifications" }).count()).toBe(1);
  });

  test("cookies blocked (Chromium set to block all cookies): the link says that cookies are needed, and why", async () => {
    const testPage = await launchPageWithCookiesBlocked();
    try {
      await testPage.page.goto(authorizationUrl(system, { trnToken: await createTrnToken(system, newTeacher()) }).url);
      expect(await testPage.context.cookies()).toHaveLength(0);
      await expectPage(testPage, "You need to turn on cookies to continue", "journey-cookies-blocked");
      expect(await testPage.page.locator("main").innerText()).toContain("to remember your answers from one page to the next");
      expect(await testPage.page.locator("main").innerText()).not.toContain("timed out");
    } finally {
      await testPage.close();
    }
  });

  test("'Email me a new link': the answer is a page that a refresh does not send again", async () => {
    const teacher = newTeacher();
    const token = await createTrnToken(system, teacher);
    db.update(trnTokens).set({ expiresAt: Date.now() - 1000 }).where(eq(trnTokens.tokenHash, sha256(token))).run();
    const testPage = await openLink(token);
    const { page } = testPage;
    await clickAndLoad(page, button(page, "Email me a new link"));
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\/[^/]+\/new-link$/);
    await page.reload();
    await page.reload();
    await expectPage(testPage, "We have sent you a new link", "link-new-link-sent-after-refresh");
    expect(identityOutbox(system.dataDir).filter((m) => m.to === teacher.email && m.subject?.includes("new link"))).toHaveLength(1);
  });
});

