// The seed's steps 4-7 from the teacher's side, over real HTTP through all three services: the
// magic link at access, identity's registration journey bound to the TRN, back at access signed in,
// the qualifications page and the certificate.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { extractText, getDocumentProxy } from "unpdf";
import { createTrnToken } from "../helpers/identity-journey";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { HttpBrowser } from "../helpers/access-http-browser";
import { hiddenFields, seeding, type Seeding } from "../helpers/access-seed";

let system: TestSystem;
let seed: Seeding;

const teacher = {
  trn: "3055501",
  firstName: "Priya",
  lastName: "Natarajan",
  dateOfBirth: "1992-06-17",
  email: "priya.natarajan@example.com",
  qtsDate: "2026-07-01",
};

beforeAll(async () => {
  system = await startTestSystem();
  seed = seeding(system.dataDir);
  seed.teacher(teacher);
});
afterAll(async () => {
  seed?.close();
  await system?.stop();
});

/** Submits the form on the page the browser is on, with its hidden fields (CSRF) and `fields`. */
async function submitForm(browser: HttpBrowser, pageUrl: string, html: string, fields: Record<string, string> = {}) {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? new URL(pageUrl).pathname;
  return browser.submit(new URL(action, pageUrl).toString(), { ...hiddenFields(html), ...fields });
}

describe("register via a magic link, then download the certificate", () => {
  test("the teacher registers at identity from the link and lands on access signed in, as themselves", async () => {
    const token = await createTrnToken(system, { trn: teacher.trn, email: teacher.email });
    const browser = new HttpBrowser();

    let step = await browser.follow(`${system.urls.access}/register?trn_token=${token}`);
    expect(step.url).toBe(`${system.urls.identity}/register?started=1`);
    let html = await step.response.text();
    expect(html).toContain(teacher.email);

    step = await submitForm(browser, step.url, html);
    expect(step.url).toEndWith("/register/phone");
    step = await submitForm(browser, step.url, await step.response.text(), { noPhone: "yes" });
    expect(step.url).toEndWith("/register/preferred-name");
    step = await submitForm(browser, step.url, await step.response.text(), { choice: "0" });
    expect(step.url).toEndWith("/register/check-answers");
    html = await step.response.text();
    expect(html).toContain(teacher.trn);

    // Creating the account sends the browser back to access, which signs the teacher in.
    step = await submitForm(browser, step.url, html);
    expect(step.hops.some((h) => h.url.startsWith(`${system.urls.access}/sign-in/callback?`))).toBe(true);
    expect(step.url).toBe(`${system.urls.access}/qualifications`);
    expect(step.response.status).toBe(200);
    const page = await step.response.text();
    expect(page).toContain("Priya Natarajan");
    expect(page).toContain("1 July 2026");
    expect(page).toContain(teacher.trn);

    const certificate = await browser.request(`${system.urls.access}/qualifications/certificates/qts`);
    expect(certificate.status).toBe(200);
    expect(certificate.headers.get("content-disposition")).toBe(`attachment; filename="qts-certificate-${teacher.trn}.pdf"`);
    const text = (await extractText(await getDocumentProxy(new Uint8Array(await certificate.arrayBuffer())), { mergePages: true })).text.replace(/\s+/g, " ");
    expect(text).toContain("This is to certify that Priya Natarajan");
    expect(text).toContain(`Teacher reference number (TRN): ${teacher.trn}`);
    expect(text).toContain("has been awarded qualified teacher status (QTS) on 1 July 2026.");

    // The link has done its job: opened again in a fresh browser, identity says so (no second account).
    const later = new HttpBrowser();
    const again = await later.follow(`${system.urls.access}/register?trn_token=${token}`);
    expect(again.url.startsWith(system.urls.identity)).toBe(true);
    expect(later.cookies.has("access_session")).toBe(false);
  });
});
