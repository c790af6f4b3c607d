// Certificates over real HTTP, as a teacher and an employer meet them: each one downloads from the
// qualifications page, its text extracts and its QR code decodes to its /check/ URL; /check/ shows
// valid, withdrawn (records set the award aside) and ended (the holder stopped the link), and a
// clear page for an unknown code. Page images go to test-artifacts/certificates/.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { eq } from "drizzle-orm";
import { recordsCommands } from "../../src/records/cli";
import { teachers } from "../../src/records/db/schema";
import { importQualificationCsv } from "../../src/records/import/import-qualifications";
import { HttpBrowser, csrfFieldIn } from "../helpers/access-http-browser";
import { qualified, seeding, type Seeding } from "../helpers/access-seed";
import { pdfQrCode, pdfText } from "../helpers/certificates";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let seed: Seeding;
let browser: HttpBrowser;
const artifacts = "test-artifacts/certificates";
const teacher = { ...qualified, trn: "3054321", email: "certificates@example.com" };

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  system = await startTestSystem({ env: { ACCESS_CHECK_LIMIT_PER_IP: "40" } });
  seed = seeding(system.dataDir);
  seed.teacher(teacher);
  seed.recordsDb
    .update(teachers)
    .set({ qtsRoute: "InitialTeacherTraining", eytsDate: "2025-06-01", inductionStatus: "Passed", inductionStartDate: "2026-09-01", inductionCompletedDate: "2027-07-01" })
    .where(eq(teachers.trn, teacher.trn))
    .run();
  const npqs = importQualificationCsv(seed.recordsDb, [
    `trn,qualification,type,provider_name,status,start_date,awarded_date\n${teacher.trn},npq,NPQH,Ambition Institute,Passed,2025-01-01,2026-02-02\n${teacher.trn},mandatory,Visual,University of Birmingham,Passed,2024-01-01,2025-01-01\n`,
  ]);
  expect(npqs).toEqual({ ok: true, qualifications: 2, dryRun: false });
  browser = new HttpBrowser();
  const [name, value] = seed.signedInAtIdentity(teacher).split("=");
  browser.cookies.set(name, value);
  await browser.follow(`${system.urls.access}/sign-in`);
});
afterAll(async () => {
  seed?.close();
  await system?.stop();
});

async function download(path: string): Promise<{ pdf: Uint8Array; text: string; checkUrl: string }> {
  const response = await browser.request(`${system.urls.access}${path}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/pdf");
  const pdf = new Uint8Array(await response.arrayBuffer());
  const name = path.split("/").slice(3).join("-");
  const checkUrl = pdfQrCode(pdf, `${artifacts}/${name}.png`)!;
  return { pdf, text: await pdfText(pdf), checkUrl };
}

async function check(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url);
  return { status: response.status, html: await response.text() };
}

describe("certificates and /check/", () => {
  let npqPath = "";
  test("the qualifications page shows every qualification in DfE's order, each certificate linked", async () => {
    const html = await (await browser.request(`${system.urls.access}/qualifications`)).text();
    const order = ["Qualified teacher status (QTS)", "Early years teacher status (EYTS)", ">Induction<", "Initial teacher training (ITT)", "National professional qualification (NPQ)", "Mandatory qualification (MQ)"].map((t) =>
      html.indexOf(t),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toMatch(/Route<\/dt>\s*<dd[^>]*>Initial teacher training</);
    expect(html).toContain("Visual impairment");
    for (const path of ["/qualifications/certificates/qts", "/qualifications/certificates/eyts", "/qualifications/certificates/induction"]) expect(html).toContain(`href="${path}"`);
    npqPath = /href="(\/qualifications\/certificates\/npq\/\d+)"/.exec(html)![1];
  });

  test("each certificate downloads, its text extracts, its QR code is its /check/ URL, and /check/ says valid", async () => {
    const expected: Record<string, string> = {
      "/qualifications/certificates/qts": "has been awarded qualified teacher status (QTS) on 1 July 2026.",
      "/qualifications/certificates/eyts": "has been awarded early years teacher status (EYTS) on 1 June 2025.",
      "/qualifications/certificates/induction": "has passed statutory induction for teachers in England on 1 July 2027.",
      [npqPath]: "has been awarded the National Professional Qualification (NPQ) for Headship on 2 February 2026.",
    };
    for (const [path, sentence] of Object.entries(expected)) {
      const { text, checkUrl } = await download(path);
      expect(text).toContain(sentence);
      expect(text).toContain("This is to certify that Amelia Rose Okafor");
      expect(checkUrl).toMatch(new RegExp(`^${system.urls.access}/check/[a-z2-7]{26}$`));
      expect(text).toContain(`Check this certificate at ${checkUrl} or scan the QR code.`);
      const page = await check(checkUrl);
      expect(page.status).toBe(200);
      expect(page.html).toContain("This certificate is valid");
      expect(page.html).toContain("Amelia Rose Okafor");
      expect(page.html).toContain("Ending in 321");
      // Nothing an employer does not need: no date of birth, no full TRN, no email.
      expect(page.html).not.toContain(teacher.trn);
      expect(page.html).not.toContain("9 March 1994");
      expect(page.html).not.toContain(teacher.email);
    }
  });

  test("an award records sets aside shows as withdrawn", async () => {
    const { checkUrl } = await download("/qualifications/certificates/eyts");
    const out: string[] = [];
    const code = await recordsCommands.run(["set-aside", teacher.trn, "--award", "eyts", "--reason", "awarded in error"], {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      env: { DATA_DIR: system.dataDir },
    });
    expect({ code, out }).toEqual({ code: 0, out: [`Set aside eyts for TRN ${teacher.trn}.`] });
    const page = await check(checkUrl);
    expect(page.html).toContain("This qualification has been withdrawn");
    expect(page.html).not.toContain("This certificate is valid");
  });

  test("'stop this link working' ends a code; the next download makes a new one that works", async () => {
    const { checkUrl } = await download("/qualifications/certificates/qts");
    const page = await (await browser.request(`${system.urls.access}/qualifications`)).text();
    expect(page).toContain("Certificates you have downloaded");
    const ids = [...page.matchAll(/action="\/qualifications\/certificates\/(\d+)\/stop"/g)].map((m) => Number(m[1]));
    const newest = Math.max(...ids);
    const { response } = await browser.submit(`${system.urls.access}/qualifications/certificates/${newest}/stop`, { _csrf: csrfFieldIn(page) });
    expect(await response.text()).toContain("The certificate’s link has stopped working");
    const ended = await check(checkUrl);
    expect(ended.html).toContain("This certificate’s link has been stopped");
    const again = await download("/qualifications/certificates/qts");
    expect(again.checkUrl).not.toBe(checkUrl);
    expect((await check(again.checkUrl)).html).toContain("This certificate is valid");
  });

  test("an unknown code: 'we cannot find this certificate'", async () => {
    for (const code of ["aaaaaaaaaaaaaaaaaaaaaaaaaa", "not-a-code", "%3Cscript%3E"]) {
      const page = await check(`${system.urls.access}/check/${code}`);
      expect(page.status).toBe(404);
      expect(page.html).toContain("We cannot find this certificate");
    }
  });

  test("/check/ is limited per client IP: a flood gets 429 with Retry-After", async () => {
    let last: Response | undefined;
    for (let i = 0; i < 60; i++) {
      last = await fetch(`${system.urls.access}/check/aaaaaaaaaaaaaaaaaaaaaaaaaa`);
      if (last.status === 429) break;
      await last.body?.cancel();
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await last!.text()).toContain("You have checked too many certificates");
  });
});
