// access with the real identity and records running over HTTP: the magic link reaches identity,
// a teacher signed in at identity lands on their own qualifications, downloads their certificate
// (read back with a real PDF text extractor), and signs out of both.
// Teachers and accounts are put in the databases directly, as an operator's import and identity's
// sign-in journey would; everything access does goes over HTTP.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { extractText, getDocumentProxy } from "unpdf";
import { seal, unseal } from "../../src/access/sessions/seal";
import { authorizationRequests } from "../../src/identity/db/schema";
import { sha256 } from "../../src/security/tokens";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { HttpBrowser } from "../helpers/access-http-browser";
import { hiddenFields, inTraining, qualified, seeding, type Seeding } from "../helpers/access-seed";

let system: TestSystem;
let seed: Seeding;
let urls: TestSystem["urls"];

function browserSignedInAtIdentity(teacher: Parameters<Seeding["signedInAtIdentity"]>[0]): HttpBrowser {
  const browser = new HttpBrowser();
  const [name, value] = seed.signedInAtIdentity(teacher).split("=");
  browser.cookies.set(name, value);
  return browser;
}

let amelia: HttpBrowser;

beforeAll(async () => {
  system = await startTestSystem();
  urls = system.urls;
  seed = seeding(system.dataDir);
  seed.teacher(qualified);
  seed.teacher(inTraining);
  amelia = browserSignedInAtIdentity(qualified);
});
afterAll(async () => {
  seed?.close();
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
    const stored = seed.identityDb
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
    // A sign-in, not a registration: no "account created" banner.
    expect(html).not.toContain("Your Teacher ID account has been created");
    expect(html).toContain("1 July 2026");
    expect(html).toContain("9 March 1994");
    expect(html).toContain("3012345");
    // Initial teacher training: provider, programme, subjects, age range, dates and result.
    expect(html).toContain("Earl Spencer Primary School");
    expect(html).toContain("School direct training programme");
    expect(html).toContain("Primary, Mathematics");
    expect(html).toContain("5 to 11 years");
    expect(html).toContain("1 September 2025");
    expect(html).toMatch(/End date<\/dt>\s*<dd[^>]*>1 July 2026</);
    expect(html).toMatch(/Result<\/dt>\s*<dd[^>]*>Pass</);
    // Induction.
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
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("%PDF-");
    const text = (await extractText(await getDocumentProxy(bytes), { mergePages: true })).text.replace(/\s+/g, " ");
    expect(text).toContain("Qualified teacher status (QTS)");
    expect(text).toContain("This is to certify that Amelia Rose Okafor");
    expect(text).toContain("Teacher reference number (TRN): 3012345");
    expect(text).toContain("has been awarded qualified teacher status (QTS) on 1 July 2026.");
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

  test("an account not linked to a teaching record is told so, and gets no certificate", async () => {
    const browser = browserSignedInAtIdentity({ ...inTraining, trn: null, email: "no.trn@example.com" });
    const { response, url } = await browser.follow(`${urls.access}/sign-in`);
    expect(url).toBe(`${urls.access}/qualifications`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("We could not find your teaching record");
    const certificate = await browser.request(`${urls.access}/qualifications/certificates/qts`);
    expect(certificate.headers.get("content-type")).toStartWith("text/html");
  });

  test("a TRN held by two records at records gets a clear page, not someone's certificate", async () => {
    const twin = { ...qualified, trn: "3077777", email: "twin.one@example.com" };
    seed.teacher(twin);
    seed.teacher({ ...twin, firstName: "Other", email: "twin.two@example.com" });
    const browser = browserSignedInAtIdentity(twin);
    const { response } = await browser.follow(`${urls.access}/sign-in`);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("We cannot show your teaching record");
    const certificate = await browser.request(`${urls.access}/qualifications/certificates/qts`);
    expect(certificate.status).toBe(409);
    expect(certificate.headers.get("content-type")).toStartWith("text/html");
    const page = await certificate.text();
    expect(page).toContain("We cannot show your teaching record");
    expect(page).not.toContain("twin.two@example.com");
  });

  test("a signed-out teacher cannot fetch the certificate: they are sent to sign in at identity", async () => {
    const stranger = new HttpBrowser();
    const { response, url } = await stranger.follow(`${urls.access}/qualifications/certificates/qts`);
    expect(response.headers.get("content-type") ?? "").not.toContain("pdf");
    expect(url).toStartWith(`${urls.identity}/`);
  });

  test("when records stops accepting the teacher's access token, they sign in again and come back", async () => {
    const browser = browserSignedInAtIdentity({ ...qualified, email: "amelia.refused@example.com", trn: "3012347" });
    seed.teacher({ ...qualified, trn: "3012347", email: "amelia.refused@example.com" });
    await browser.follow(`${urls.access}/sign-in`);
    // The session holds a token records no longer accepts (as after revocation), in a session
    // older than a minute (a brand-new one that records refuses gets the error page instead).
    const id = browser.cookies.get("access_session")!;
    const db = new Database(join(system.dataDir, "access.sqlite"));
    const row = db.query("SELECT tokens_sealed FROM sessions WHERE id_hash = ?").get(sha256(id)) as { tokens_sealed: string };
    const tokens = JSON.parse(unseal(id, "session-tokens", row.tokens_sealed)!);
    const revoked = seal(id, "session-tokens", JSON.stringify({ ...tokens, accessToken: "revoked" }));
    db.query("UPDATE sessions SET tokens_sealed = ?, created_at = 0 WHERE id_hash = ?").run(revoked, sha256(id));
    db.close();
    const refused = await browser.request(`${urls.access}/qualifications/certificates/qts`);
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")).toBe("/sign-in?return_to=%2Fqualifications%2Fcertificates%2Fqts");
    // Still signed in at identity: straight back to the certificate, with a new token.
    const { response, url } = await browser.follow(`${urls.access}/qualifications/certificates/qts`);
    expect(url).toBe(`${urls.access}/qualifications/certificates/qts`);
    expect(response.headers.get("content-type")).toBe("application/pdf");
  });

  test("signing out ends the session at identity and at access", async () => {
    const browser = browserSignedInAtIdentity({ ...qualified, email: "amelia.second.device@example.com", trn: "3012346" });
    seed.teacher({ ...qualified, trn: "3012346", email: "amelia.second.device@example.com" });
    await browser.follow(`${urls.access}/sign-in`);
    expect(browser.cookies.has("access_session")).toBe(true);
    // The Sign out link leads to identity, which asks to confirm.
    const { response: confirm, url } = await browser.follow(`${urls.access}/sign-out`);
    expect(url).toStartWith(`${urls.identity}/end-session`);
    // One confirmation: identity's, naming the service that asks, with a Cancel link.
    const confirmHtml = await confirm.text();
    expect(confirmHtml).toContain("Access your teaching qualifications");
    expect(confirmHtml).toMatch(/<a [^>]*class="govuk-link"[^>]*>\s*Cancel\s*<\/a>/);
    const form = hiddenFields(confirmHtml);
    const { response, url: landed } = await browser.submit(`${urls.identity}/end-session`, form);
    expect(landed).toStartWith(`${urls.access}/signed-out`);
    const signedOut = (await response.text()).replace(/\s+/g, " ");
    expect(signedOut).toContain("You have signed out of Access your teaching qualifications and your Teacher ID account.");
    // Not asked a second time: the page access lands on has no sign-out form.
    expect(signedOut).not.toContain('action="/sign-out"');
    expect(browser.cookies.has("access_session")).toBe(false);
    expect(browser.cookies.has("identity_session")).toBe(false);
    // Signed out of both: asking for the qualifications goes to identity's sign-in, not the page.
    const again = await browser.follow(`${urls.access}/qualifications`);
    expect(again.url).toStartWith(`${urls.identity}/`);
  });
});
