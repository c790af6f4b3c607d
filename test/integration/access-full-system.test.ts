// access with the real identity and records running over HTTP: the magic link reaches identity,
// a teacher signed in at identity lands on their own qualifications, downloads their certificate
// (read back with a real PDF text extractor), and signs out of both.
// Teachers and accounts are put in the databases directly, as an operator's import and identity's
// sign-in journey would; everything access does goes over HTTP.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { extractText, getDocumentProxy } from "unpdf";
import { openIdentityDatabase, type IdentityDatabase } from "../../src/identity/db/database";
import { accounts, authorizationRequests } from "../../src/identity/db/schema";
import { createSession } from "../../src/identity/sessions/session";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";
import { ittRecords, teachers } from "../../src/records/db/schema";
import { sha256 } from "../../src/security/tokens";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { HttpBrowser } from "./access-http-browser";

let system: TestSystem;
let identityDb: IdentityDatabase;
let recordsDb: RecordsDatabase;
let urls: TestSystem["urls"];

const qualified = {
  trn: "3012345",
  firstName: "Amelia",
  middleName: "Rose",
  lastName: "Okafor",
  dateOfBirth: "1994-03-09",
  email: "amelia.okafor@example.com",
  qtsDate: "2026-07-01",
};
const inTraining = { trn: "3098765", firstName: "Tom", lastName: "Briggs", dateOfBirth: "1999-11-30", email: "tom.briggs@example.com" };

function seedTeacher(t: { trn: string; firstName: string; middleName?: string; lastName: string; dateOfBirth: string; email: string; qtsDate?: string }) {
  const now = Date.now();
  const { id } = recordsDb
    .insert(teachers)
    .values({ ...t, middleName: t.middleName ?? null, qtsDate: t.qtsDate ?? null, inductionStatus: "RequiredToComplete", createdAt: now, updatedAt: now })
    .returning({ id: teachers.id })
    .get();
  recordsDb
    .insert(ittRecords)
    .values({
      teacherId: id,
      providerUkprn: "10000001",
      providerName: "Earl Spencer Primary School",
      programmeType: "SchoolDirectTrainingProgramme",
      subjects: JSON.stringify(["Primary", "Mathematics"]),
      ageRangeFrom: 5,
      ageRangeTo: 11,
      startDate: "2025-09-01",
      endDate: "2026-07-01",
      result: t.qtsDate ? "Pass" : "InTraining",
      updatedAt: now,
    })
    .run();
}

/** A browser signed in at identity (not yet at access) as the account for this teacher. */
function browserSignedInAtIdentity(t: { trn: string; firstName: string; lastName: string; dateOfBirth: string; email: string }): HttpBrowser {
  const now = Date.now();
  const account = identityDb
    .insert(accounts)
    .values({
      id: crypto.randomUUID(),
      email: t.email,
      emailVerified: true,
      phoneNumber: "+447700900123",
      phoneNumberVerified: true,
      givenName: t.firstName,
      familyName: t.lastName,
      birthdate: t.dateOfBirth,
      trn: t.trn,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  const { setCookie } = createSession(identityDb, account.id, { secure: false });
  const browser = new HttpBrowser();
  const [name, value] = setCookie.split(";")[0].split("=");
  browser.cookies.set(name, value);
  return browser;
}

/** Hidden fields of the first form on a page (to submit it as a browser would). */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? "";
    if (name) fields[name] = value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  }
  return fields;
}

let amelia: HttpBrowser;

beforeAll(async () => {
  system = await startTestSystem();
  urls = system.urls;
  identityDb = openIdentityDatabase(system.dataDir);
  recordsDb = openRecordsDatabase(system.dataDir);
  seedTeacher(qualified);
  seedTeacher(inTraining);
  amelia = browserSignedInAtIdentity(qualified);
});
afterAll(async () => {
  identityDb?.$client.close();
  recordsDb?.$client.close();
  await system?.stop();
});

describe("access with the real identity and records", () => {
  test("/register?trn_token= reaches identity's /authorize with the token intact", async () => {
    const token = "mGx3_0Qy7VbN2kLp9RtZsW4eHc8uJf1AoDi5XnYq6Tw";
    const browser = new HttpBrowser();
    const toIdentity = await browser.request(`${urls.access}/register?trn_token=${token}`);
    expect(toIdentity.status).toBe(302);
    const authorize = new URL(toIdentity.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${urls.identity}/authorize`);
    expect(authorize.searchParams.get("trn_token")).toBe(token);
    // identity accepted the request and kept the token (as its hash) for the registration journey.
    const atIdentity = await browser.request(authorize.toString());
    expect(atIdentity.status).toBe(303);
    expect(atIdentity.headers.get("location")).toStartWith("/interaction/");
    const stored = identityDb
      .select()
      .from(authorizationRequests)
      .where(eq(authorizationRequests.trnTokenHash, sha256(token)))
      .all();
    expect(stored).toHaveLength(1);
    expect(stored[0].clientId).toBe("access-service");
  });

  test("a teacher signed in at identity lands on their own qualifications page", async () => {
    const { response, url, hops } = await amelia.follow(`${urls.access}/sign-in`);
    expect(url).toBe(`${urls.access}/qualifications`);
    expect(response.status).toBe(200);
    // identity answered /authorize with a code and its issuer (RFC 9207).
    const callback = new URL(hops.find((h) => h.url.startsWith(`${urls.access}/sign-in/callback`))!.url);
    expect(callback.searchParams.get("iss")).toBe(urls.identity);
    const html = await response.text();
    expect(html).toContain("Amelia Rose Okafor");
    expect(html).toContain("1 July 2026");
    expect(html).toContain("9 March 1994");
    expect(html).toContain("3012345");
    expect(html).toContain("Earl Spencer Primary School");
    expect(html).toContain("Primary, Mathematics");
    expect(html).toContain("5 to 11 years");
    expect(html).toContain("Required to complete");
    expect(html).toContain('href="/qualifications/certificates/qts"');
    expect(html).toContain("Download QTS certificate");
    expect(html).not.toContain("Tom Briggs");
  });

  test("the QTS certificate downloads as a PDF holding the teacher's name, TRN and QTS date", async () => {
    const response = await amelia.request(`${urls.access}/qualifications/certificates/qts`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="qts-certificate-3012345.pdf"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("%PDF-");
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain("Qualified Teacher Status");
    expect(text).toContain("This is to certify that Amelia Rose Okafor");
    expect(text).toContain("Teacher Reference Number: 3012345");
    expect(text).toContain("has attained qualified teacher status");
    expect(text).toContain("Date of QTS: 1 July 2026");
  });

  test("a teacher without QTS gets a page saying so, and no certificate", async () => {
    const tom = browserSignedInAtIdentity(inTraining);
    const { response } = await tom.follow(`${urls.access}/sign-in`);
    const page = await response.text();
    expect(page).toContain("Not awarded");
    expect(page).not.toContain("Download QTS certificate");
    const certificate = await tom.request(`${urls.access}/qualifications/certificates/qts`);
    expect(certificate.status).toBe(404);
    expect(certificate.headers.get("content-type")).toStartWith("text/html");
    expect(await certificate.text()).toContain("You do not have a QTS certificate");
  });

  test("a signed-out teacher cannot fetch the certificate: they are sent to sign in at identity", async () => {
    const stranger = new HttpBrowser();
    const { response, url } = await stranger.follow(`${urls.access}/qualifications/certificates/qts`);
    expect(response.headers.get("content-type") ?? "").not.toContain("pdf");
    expect(url).toStartWith(`${urls.identity}/`);
  });

  test("signing out ends the session at identity and at access", async () => {
    const browser = browserSignedInAtIdentity({ ...qualified, email: "amelia.second.device@example.com", trn: "3012346" });
    seedTeacher({ ...qualified, trn: "3012346", email: "amelia.second.device@example.com" });
    await browser.follow(`${urls.access}/sign-in`);
    expect(browser.cookies.has("access_session")).toBe(true);
    // The Sign out link leads to identity, which asks to confirm.
    const { response: confirm, url } = await browser.follow(`${urls.access}/sign-out`);
    expect(url).toStartWith(`${urls.identity}/end-session`);
    const form = hiddenFields(await confirm.text());
    const { response, url: landed } = await browser.submit(`${urls.identity}/end-session`, form);
    expect(landed).toStartWith(`${urls.access}/signed-out`);
    expect(await response.text()).toContain("You have signed out");
    expect(browser.cookies.has("access_session")).toBe(false);
    expect(browser.cookies.has("identity_session")).toBe(false);
    // Signed out of both: asking for the qualifications goes to identity's sign-in, not the page.
    const again = await browser.follow(`${urls.access}/qualifications`);
    expect(again.url).toStartWith(`${urls.identity}/`);
  });
});
