// Certificates in Chromium, as a teacher and an employer meet them: a teacher whose record has QTS,
// EYTS, a passed induction and two NPQs downloads each certificate from the qualifications page
// (each a PDF whose text names them), then each certificate's /check/ page, the page for an unknown
// code and the page for a withdrawn award pass axe and the 320 px reflow check (screenshots in
// test-artifacts/screenshots/certificate-check-*). Records are seeded as the integration test
// test/integration/certificates-check.test.ts does (its database, then a qualifications import).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { recordsCommands } from "../../src/records/cli";
import { teachers } from "../../src/records/db/schema";
import { importQualificationCsv } from "../../src/records/import/import-qualifications";
import { qualified, seeding, type Seeding } from "../helpers/access-seed";
import { browserTestTimeoutMs, checkPage, launchBrowser, type TestBrowser, type TestPage } from "../helpers/browser";
import { pdfText } from "../helpers/certificates";
import { startTestSystem, type TestSystem } from "../helpers/system";

setDefaultTimeout(browserTestTimeoutMs);

let system: TestSystem;
let seed: Seeding;
let browser: TestBrowser;
let teacherPage: TestPage;
const teacher = { ...qualified, trn: "3076543", email: "certificates.browser@example.com" };
const holder = "Amelia Rose Okafor";

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchBrowser()]);
  seed = seeding(system.dataDir);
  seed.teacher(teacher);
  seed.recordsDb
    .update(teachers)
    .set({ qtsRoute: "InitialTeacherTraining", eytsDate: "2025-06-01", inductionStatus: "Passed", inductionStartDate: "2026-09-01", inductionCompletedDate: "2027-07-01" })
    .where(eq(teachers.trn, teacher.trn))
    .run();
  const imported = importQualificationCsv(seed.recordsDb, [
    "trn,qualification,type,provider_name,status,start_date,awarded_date\n" +
      `${teacher.trn},npq,NPQH,Ambition Institute,Passed,2025-01-01,2026-02-02\n` +
      `${teacher.trn},npq,NPQSL,Best Practice Network,Passed,2023-01-01,2024-03-04\n`,
  ]);
  expect(imported).toEqual({ ok: true, qualifications: 2, dryRun: false });
  teacherPage = await browser.newPage();
  const [name, value] = seed.signedInAtIdentity(teacher).split("=");
  await teacherPage.context.addCookies([{ name, value, url: system.urls.identity }]);
  await teacherPage.page.goto(`${system.urls.access}/sign-in`);
});
afterAll(async () => {
  await browser?.close();
  seed?.close();
  await system?.stop();
});

const mainText = async (testPage: TestPage) => (await testPage.page.locator("main").innerText()).replace(/\s+/g, " ");

/** Clicks a download link on the qualifications page; returns the file's name and its extracted text. */
async function downloadFrom(link: ReturnType<TestPage["page"]["locator"]>): Promise<{ filename: string; bytes: Uint8Array; text: string }> {
  const [download] = await Promise.all([teacherPage.page.waitForEvent("download"), link.click()]);
  const bytes = new Uint8Array(readFileSync((await download.path())!));
  return { filename: download.suggestedFilename(), bytes, text: await pdfText(bytes) };
}

/** The /check/ URL a certificate's text prints. */
function checkUrlIn(text: string): string {
  const match = /Check this certificate at (\S+) or scan the QR code/.exec(text);
  if (!match) throw new Error(`no check URL in the certificate's text: ${text.slice(0, 300)}`);
  return match[1];
}

describe("certificates in a browser", () => {
  const checkUrls: Record<string, string> = {};
  const lastBytes: Record<string, number> = {};

  test("the teacher downloads each certificate from the qualifications page: QTS, EYTS, induction and each NPQ", async () => {
    const { page } = teacherPage;
    expect(page.url()).toBe(`${system.urls.access}/qualifications`);
    await checkPage(teacherPage, "certificate-qualifications-every-award");

    const expected = [
      { kind: "qts", link: page.getByRole("button", { name: /^Download QTS certificate \(PDF, about \d+ KB\)$/ }), sentence: "has been awarded qualified teacher status (QTS) on 1 July 2026." },
      { kind: "eyts", link: page.getByRole("button", { name: /^Download EYTS certificate \(PDF, about \d+ KB\)$/ }), sentence: "has been awarded early years teacher status (EYTS) on 1 June 2025." },
      { kind: "induction", link: page.getByRole("button", { name: /^Download induction certificate \(PDF, about \d+ KB\)$/ }), sentence: "has passed statutory induction for teachers in England on 1 July 2027." },
    ];
    // The NPQ cards each have a "Download certificate" link (styled as a button), in the page's order.
    const npqCards = page.locator(".govuk-summary-card", { hasText: "National professional qualification (NPQ)" });
    expect(await npqCards.count()).toBe(2);
    for (const [index, sentence] of [
      "has been awarded the National Professional Qualification (NPQ) for Headship on 2 February 2026.",
      "has been awarded the National Professional Qualification (NPQ) for Senior Leadership on 4 March 2024.",
    ].entries()) {
      const card = npqCards.filter({ hasText: index === 0 ? "Headship" : "Senior Leadership" });
      expected.push({ kind: `npq-${index}`, link: card.getByRole("button", { name: /^Download certificate \(PDF, about \d+ KB\)$/ }), sentence });
    }

    const statedKb = async (link: (typeof expected)[number]["link"]) => Number(/about (\d+) KB/.exec(await link.innerText())![1]);
    for (const { kind, link, sentence } of expected) {
      // A link styled as a button (GOV.UK): not draggable, role=button.
      expect(await link.getAttribute("draggable")).toBe("false");
      expect(await link.getAttribute("class")).toContain("govuk-button");
      // Before any of its kind was rendered, the stated size is the measured one: honest within 25%.
      const stated = await statedKb(link);
      const { filename, bytes, text } = await downloadFrom(link);
      expect(Math.abs(stated * 1024 - bytes.byteLength) / bytes.byteLength).toBeLessThan(0.25);
      lastBytes[kind.replace(/-\d$/, "")] = bytes.byteLength;
      expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
      expect(filename).toMatch(new RegExp(`^${kind.replace(/-\d$/, "")}-certificate-${teacher.trn}(-\\d+)?\\.pdf$`));
      expect(text).toContain(`This is to certify that ${holder}`);
      expect(text).toContain(sentence);
      checkUrls[kind] = checkUrlIn(text);
      expect(checkUrls[kind]).toStartWith(`${system.urls.access}/check/`);
    }
    expect(new Set(Object.values(checkUrls)).size).toBe(5);
    // The downloads are listed on the page (after a reload), each with its "stop" action.
    await page.reload();
    // Now each link states the size of the last certificate of its kind rendered.
    for (const { kind, link } of expected.slice(0, 3)) expect(await statedKb(link)).toBe(Math.round(lastBytes[kind] / 1024));
    expect(await page.getByRole("button", { name: /Stop this link working/ }).count()).toBe(5);
    await checkPage(teacherPage, "certificate-qualifications-downloaded");
  });

  test("each certificate's /check/ page says it is valid, names the holder, and passes axe and reflow", async () => {
    expect(Object.keys(checkUrls)).toHaveLength(5);
    const employer = await browser.newPage();
    for (const [kind, url] of Object.entries(checkUrls)) {
      const response = await employer.page.goto(url);
      expect(response?.status()).toBe(200);
      const text = await mainText(employer);
      expect(text).toContain("This certificate is valid");
      expect(text).toContain(holder);
      expect(text).not.toContain(teacher.trn);
      await checkPage(employer, `certificate-check-${kind}`);
    }
  });

  test("an unknown code gets 'we cannot find this certificate', which passes axe and reflow", async () => {
    const employer = await browser.newPage();
    const response = await employer.page.goto(`${system.urls.access}/check/aaaaaaaaaaaaaaaaaaaaaaaaaa`);
    expect(response?.status()).toBe(404);
    expect(await mainText(employer)).toContain("We cannot find this certificate");
    await checkPage(employer, "certificate-check-unknown");
  });

  test("a certificate whose award records set aside shows as withdrawn, and passes axe and reflow", async () => {
    expect(checkUrls.eyts).toBeDefined();
    const out: string[] = [];
    const code = await recordsCommands.run(["set-aside", teacher.trn, "--award", "eyts", "--reason", "awarded in error"], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      env: { DATA_DIR: system.dataDir },
    });
    expect({ code, out }).toEqual({ code: 0, out: [`Set aside eyts for TRN ${teacher.trn}.`] });
    const employer = await browser.newPage();
    await employer.page.goto(checkUrls.eyts);
    const text = await mainText(employer);
    expect(text).toContain("This qualification has been withdrawn");
    expect(text).not.toContain("This certificate is valid");
    await checkPage(employer, "certificate-check-withdrawn");
  });
});
