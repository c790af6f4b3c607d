// "Create an account without a link" over real HTTP (identity's journey, the real records and its
// matcher behind a TEST-ONLY forwarding proxy that counts finds and can answer 503, a real SMTP
// server; support works in the console, signed in as staff): a unique match binds the TRN; no match makes the
// account with a support case, which support resolves; repeated failures go to support without
// asking records again; the limits per journey and per IP; check answers' change links; bad input.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { findAccountByEmail, insertAccount } from "../../src/identity/accounts/accounts";
import { events, supportCases } from "../../src/identity/db/schema";
import { closeSupportCase, findSupportCase, listOpenSupportCases } from "../../src/identity/find-record/support-cases";
import { addStaff, findStaffByEmail } from "../../src/identity/admin/staff/staff";
import { seeding } from "../helpers/access-seed";
import { signInStaff } from "../helpers/staff-console";
import { answerDetails, startFindRecordSystem, throughEmailCode, type FindRecordSystem } from "../helpers/find-record-system";
import { Browser, authorize, emailedCode, pageText, redeem } from "../helpers/identity-journey";

let s: FindRecordSystem;
/** A support officer's browser, signed in to the console (email code, TOTP). */
let staff: Browser;
let staffId = "";
const staffEmail = "casey.support@education.gov.uk";
let ip = 1;
let n = 1;
const newBrowser = () => new Browser(s.system.urls.identity, { "x-forwarded-for": `203.0.113.${ip++}` });
const newEmail = () => `no-link-${n++}@example.com`;

const amelia = { trn: "4012345", firstName: "Amelia", lastName: "Okafor", dateOfBirth: "1994-03-09", email: "amelia.record@example.com", qtsDate: "2026-07-01", nationalInsuranceNumber: "AB123456C" };
const ben = { trn: "4023456", firstName: "Ben", lastName: "Ashby", dateOfBirth: "1988-11-02", email: "ben.record@example.com", qtsDate: "2025-07-01" };

beforeAll(async () => {
  s = await startFindRecordSystem({
    TRUST_PROXY: "true",
    FIND_RECORD_FAILURES_BEFORE_SUPPORT: "3",
    FIND_RECORD_LIMIT_PER_JOURNEY: "3",
    FIND_RECORD_LIMIT_PER_IP: "5",
  });
  const seed = seeding(s.system.dataDir);
  seed.teacher(amelia);
  seed.teacher(ben);
  seed.close();
  addStaff(s.db, { email: staffEmail, role: "support" });
  staff = new Browser(s.system.urls.identity, { "x-forwarded-for": "198.51.100.7" });
  staffId = (await signInStaff(staff, s.smtp, staffEmail)) && findStaffByEmail(s.db, staffEmail)!.id;
});
afterAll(async () => {
  await s?.stop();
});

const eventsOf = (accountId: string) => s.db.select().from(events).where(eq(events.subject, accountId)).all();

describe("a unique match", () => {
  test("binds the TRN: back at the client signed in, UserRegistered and TrnBound, trn_lookup_status Found", async () => {
    const browser = newBrowser();
    const email = newEmail();
    const auth = await throughEmailCode(s, browser, email);
    expect(browser.url).toEndWith("/find-record/name");
    await answerDetails(browser, { firstName: "amelia", lastName: "okafor", dateOfBirth: amelia.dateOfBirth, identifier: { identifier: "nino", nino: "ab 12 34 56 c" } });
    expect(browser.url).toEndWith("/find-record/check-answers");
    expect(pageText(browser.html)).toContain("AB 12 34 56 C");
    await browser.post("/find-record/check-answers");
    expect(browser.leftTo).toStartWith(`${s.system.urls.access}/sign-in/callback?`);
    const { idToken, userinfo } = await redeem(s.system, browser, auth);
    expect(idToken.trn).toBe(amelia.trn);
    expect(idToken.trn_lookup_status).toBe("Found");
    expect(userinfo.email).toBe(email);
    expect(s.records.requests.at(-1)).toMatchObject({ lastName: "okafor", dateOfBirth: amelia.dateOfBirth, nationalInsuranceNumber: "AB123456C" });
    const account = findAccountByEmail(s.db, email)!;
    expect(account.trn).toBe(amelia.trn);
    expect(eventsOf(account.id).map((e) => e.type)).toEqual(["UserRegistered", "TrnBound", "UserSignedIn"]);
  });

  test("a TRN another account holds: the 'linked to another account' page, and no account made", async () => {
    const browser = newBrowser();
    const email = newEmail();
    await throughEmailCode(s, browser, email);
    await answerDetails(browser, { firstName: "Amelia", lastName: "Okafor", dateOfBirth: amelia.dateOfBirth, identifier: { identifier: "trn", trn: amelia.trn } });
    await browser.post("/find-record/check-answers");
    expect(browser.status).toBe(409);
    expect(pageText(browser.html)).toContain("Your teacher reference number is linked to another account");
    expect(findAccountByEmail(s.db, email)).toBeUndefined();
  });
});

describe("the email already has an account", () => {
  test("the code signs in to it: no questions, no new account", async () => {
    const existing = insertAccount(s.db, { email: newEmail(), phoneNumber: null, givenName: "Jo", familyName: "Bloggs", preferredName: null, birthdate: null, trn: null });
    const browser = newBrowser();
    const auth = await throughEmailCode(s, browser, existing.email);
    const message = s.smtp.messages.filter((m) => m.to.includes(existing.email)).at(-1)!;
    expect(message.text).toContain("sign in to your Teacher ID account");
    expect(browser.leftTo).toStartWith(`${s.system.urls.access}/sign-in/callback?`);
    const { idToken } = await redeem(s.system, browser, auth);
    expect(idToken.sub).toBe(existing.id);
  });
});

describe("no match", () => {
  test("3 'none' answers with edited details go to support; records is not asked again; support assigns the TRN", async () => {
    const browser = newBrowser();
    const email = newEmail();
    const auth = await throughEmailCode(s, browser, email);
    await answerDetails(browser, { firstName: "Ben", lastName: "Ashbey", dateOfBirth: ben.dateOfBirth, identifier: { identifier: "none" } });
    const asked = s.records.requests.length;
    await browser.post("/find-record/check-answers");
    expect(browser.url).toEndWith("/find-record/not-found");
    expect(pageText(browser.html)).toContain("Check your details and try again");
    // The same details again: the same answer, records not asked.
    await browser.post("/find-record/check-answers");
    expect(browser.url).toEndWith("/find-record/not-found");
    expect(s.records.requests.length).toBe(asked + 1);
    // Two more tries with edited details.
    await browser.post("/find-record/name", { firstName: "Ben", lastName: "Ashbie", hasPreviousName: "no" });
    expect(browser.url).toEndWith("/find-record/check-answers");
    await browser.post("/find-record/check-answers");
    await browser.post("/find-record/identifier", { identifier: "provider", providerName: "Somewhere SCITT", awardYear: "2025" });
    await browser.post("/find-record/check-answers");
    expect(s.records.requests.length).toBe(asked + 3);
    expect(browser.url).toEndWith("/find-record/not-found");
    expect(pageText(browser.html)).not.toContain("Check your details and try again");
    // No more searching: check answers goes to support, and a POST asks records nothing.
    await browser.get("/find-record/check-answers");
    expect(browser.url).toEndWith("/find-record/not-found");
    await browser.post("/find-record/identifier", { identifier: "trn", trn: ben.trn });
    await browser.post("/find-record/check-answers");
    expect(s.records.requests.length).toBe(asked + 3);
    expect(findAccountByEmail(s.db, email)).toBeUndefined();

    // Ask for help: the account without a TRN, and its case.
    await browser.post("/find-record/not-found");
    expect(browser.url).toEndWith("/find-record/case");
    const reference = /TID-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(browser.html)![0];
    expect(pageText(browser.html)).toContain("within 5 working days");
    const account = findAccountByEmail(s.db, email)!;
    expect(account.trn).toBeNull();
    const opened = findSupportCase(s.db, reference)!;
    expect(opened).toMatchObject({ status: "open", accountId: account.id, email });
    expect(opened.answers).toMatchObject({ firstName: "Ben", lastName: "Ashbie", dateOfBirth: ben.dateOfBirth, identifier: { kind: "trn", trn: ben.trn } });
    expect(listOpenSupportCases(s.db).map((c) => c.reference)).toContain(reference);
    const mail = await s.smtp.waitForMessage(email, { match: (m) => m.subject.includes(reference) });
    expect(mail.text).toContain("We will email you within 5 working days.");
    // Every question is closed now: only the case page.
    await browser.get("/find-record/name");
    expect(browser.url).toEndWith("/find-record/case");

    await browser.post("/find-record/case");
    const { idToken } = await redeem(s.system, browser, auth);
    expect(idToken.trn).toBeUndefined();
    expect(idToken.trn_lookup_status).toBe("Pending");
    expect(idToken.trn_lookup_case).toBe(reference);

    // Support, in the console: the case is listed, and its page shows the answers.
    await staff.get("/admin/cases");
    expect(staff.html).toContain(reference);
    await staff.get(`/admin/cases/${reference}`);
    expect(pageText(staff.html)).toContain("Ashbie");
    expect(pageText(staff.html)).toContain(`TRN ${ben.trn}`);
    // Refused (and nothing changes): a TRN with no record, a malformed one, one another account holds.
    await staff.post(`/admin/cases/${reference}/assign`, { trn: "4999999" });
    expect([staff.status, pageText(staff.html)]).toEqual([400, expect.stringContaining("No teaching record has this TRN")]);
    await staff.post(`/admin/cases/${reference}/assign`, { trn: "12" });
    expect(staff.status).toBe(400);
    await staff.post(`/admin/cases/${reference}/assign`, { trn: amelia.trn, confirm: "yes", reason: "checked" });
    expect([staff.status, pageText(staff.html)]).toEqual([409, expect.stringContaining("Another Teacher ID account holds that TRN")]);
    // Checked with records, then the confirmation page names the record; without a reason, nothing.
    await staff.post(`/admin/cases/${reference}/assign`, { trn: ben.trn });
    expect(pageText(staff.html)).toContain("Ben Ashby");
    await staff.post(`/admin/cases/${reference}/assign`, { trn: ben.trn, confirm: "yes", reason: "" });
    expect(staff.status).toBe(400);
    expect(findAccountByEmail(s.db, email)!.trn).toBeNull();
    await staff.post(`/admin/cases/${reference}/assign`, { trn: ben.trn, confirm: "yes", reason: "Found under a misspelt surname" });
    expect(staff.url).toEndWith(`/admin/cases/${reference}?done=assigned`);
    expect(pageText(staff.html)).toContain(`Resolved: TRN ${ben.trn} assigned`);
    expect(findSupportCase(s.db, reference)).toMatchObject({ status: "resolved", trn: ben.trn, resolvedBy: `staff:${staffId}` });
    await staff.post(`/admin/cases/${reference}/assign`, { trn: ben.trn, confirm: "yes", reason: "again" });
    expect(staff.status).toBe(409);
    const bound = s.db.select().from(events).where(and(eq(events.subject, account.id), eq(events.type, "TrnBound"))).all();
    expect(bound.map((e) => e.actor)).toEqual([`staff:${staffId}`]);
    expect(JSON.parse(bound[0]!.payload)).toMatchObject({ reason: "Found under a misspelt surname", reference });
    // The teacher page lists the case.
    await staff.get(`/admin/teachers/${account.id}`);
    expect(pageText(staff.html)).toContain(`${reference} (resolved: TRN ${ben.trn}`);
    await s.smtp.waitForMessage(email, { match: (m) => m.subject.startsWith("We have found your teaching record") });

    // Signing in again: the TRN and "Found".
    const again = newBrowser();
    const auth2 = await authorize(s.system, again);
    const before = Date.now();
    await again.post("/sign-in", { email });
    await again.post("/sign-in/code", { code: await emailedCode(s.smtp, email, before) });
    const signedIn = await redeem(s.system, again, auth2);
    expect(signedIn.idToken.trn).toBe(ben.trn);
    expect(signedIn.idToken.trn_lookup_status).toBe("Found");
  });

  test("support closes a case: the teacher is emailed and trn_lookup_status says Failed", async () => {
    const browser = newBrowser();
    const email = newEmail();
    const auth = await throughEmailCode(s, browser, email);
    await answerDetails(browser, { firstName: "Cara", lastName: "Nobody", dateOfBirth: "1990-01-01", identifier: { identifier: "none" } });
    await browser.post("/find-record/check-answers");
    await browser.post("/find-record/not-found");
    const reference = /TID-[A-Z2-9]{4}-[A-Z2-9]{4}/.exec(browser.html)![0];
    // In the console: without a reason nothing changes; with one, closed, with its event by the staff member.
    await staff.get(`/admin/cases/${reference}/close`);
    expect(staff.status).toBe(200);
    await staff.post(`/admin/cases/${reference}/close`, { confirm: "yes", reason: "  " });
    expect(staff.status).toBe(400);
    expect(findSupportCase(s.db, reference)!.status).toBe("open");
    await staff.post(`/admin/cases/${reference}/close`, { confirm: "yes", reason: "No record in DQT" });
    expect(staff.url).toEndWith(`/admin/cases/${reference}?done=closed`);
    expect(findSupportCase(s.db, reference)).toMatchObject({ status: "closed", reason: "No record in DQT" });
    const closed = s.db.select().from(events).where(eq(events.type, "SupportCaseClosed")).all().at(-1)!;
    expect([closed.actor, JSON.parse(closed.payload)]).toEqual([`staff:${staffId}`, { reference, reason: "No record in DQT" }]);
    expect(closeSupportCase(s.support, { staffId, reference, reason: "again" })).toMatchObject({ ok: false, reason: "not-open" });
    await s.smtp.waitForMessage(email, { match: (m) => m.subject.startsWith("We could not find your teaching record") });
    await browser.post("/find-record/case");
    const { idToken } = await redeem(s.system, browser, auth);
    expect(idToken.trn_lookup_status).toBe("Failed");
  });
});

describe("limits", () => {
  test("per journey: records down 3 times, then the 4th search is refused (429) without asking", async () => {
    const browser = newBrowser();
    await throughEmailCode(s, browser, newEmail());
    s.records.unavailableFor.add("Downing");
    await answerDetails(browser, { firstName: "Dee", lastName: "Downing", dateOfBirth: "1990-01-01", identifier: { identifier: "none" } });
    for (let i = 0; i < 3; i++) {
      await browser.post("/find-record/check-answers");
      expect(browser.status).toBe(503);
      expect(pageText(browser.html)).toContain("We have kept your answers and not created your account");
    }
    const asked = s.records.requests.length;
    await browser.post("/find-record/check-answers");
    expect(browser.status).toBe(429);
    expect(s.records.requests.length).toBe(asked);
  });

  test("per IP: two journeys from one address share its 5 searches", async () => {
    const address = `203.0.113.${ip++}`;
    const first = new Browser(s.system.urls.identity, { "x-forwarded-for": address });
    const second = new Browser(s.system.urls.identity, { "x-forwarded-for": address });
    for (const [browser, lastName] of [[first, "Ipone"], [second, "Iptwo"]] as const) {
      await throughEmailCode(s, browser, newEmail());
      s.records.unavailableFor.add(lastName);
      await answerDetails(browser, { firstName: "Ira", lastName, dateOfBirth: "1990-01-01", identifier: { identifier: "none" } });
    }
    for (let i = 0; i < 3; i++) await first.post("/find-record/check-answers");
    for (let i = 0; i < 2; i++) {
      await second.post("/find-record/check-answers");
      expect(second.status).toBe(503);
    }
    await second.post("/find-record/check-answers");
    expect(second.status).toBe(429);
  });
});

describe("the step table", () => {
  test("no jumping ahead; check answers' Change links lead to each answer and back to check answers", async () => {
    const browser = newBrowser();
    await authorize(s.system, browser, { extra: { prompt: "create" } });
    expect(browser.url).toBe(`${s.system.urls.identity}/find-record?started=1`);
    await browser.get("/find-record/check-answers");
    expect(browser.url).toEndWith("/find-record");
    const email = newEmail();
    const before = Date.now();
    await browser.post("/find-record", { email });
    await browser.get("/find-record/name");
    expect(browser.url).toEndWith("/find-record/email-code");
    await browser.post("/find-record/email-code", { code: await emailedCode(s.smtp, email, before) });
    await browser.get("/find-record/identifier");
    expect(browser.url).toEndWith("/find-record/name");
    await answerDetails(browser, { firstName: "Dan", lastName: "Change", dateOfBirth: "1991-05-06", identifier: { identifier: "trn", trn: "4111111" } });
    expect(browser.url).toEndWith("/find-record/check-answers");
    const links = [...browser.html.matchAll(/href="(\/find-record\/[a-z-]+)"/g)].map((m) => m[1]);
    expect(new Set(links)).toEqual(new Set(["/find-record/name", "/find-record/date-of-birth", "/find-record/identifier"]));
    for (const link of ["/find-record/name", "/find-record/date-of-birth", "/find-record/identifier"]) {
      await browser.get(link);
      expect(browser.status).toBe(200);
      expect(browser.html).toContain('href="/find-record/check-answers"');
    }
    await browser.post("/find-record/date-of-birth", { day: "7", month: "5", year: "1991" });
    expect(browser.url).toEndWith("/find-record/check-answers");
    expect(pageText(browser.html)).toContain("7 May 1991");
    // The proved email cannot be changed halfway: the email pages are closed.
    await browser.get("/find-record");
    expect(browser.url).toEndWith("/find-record/check-answers");
  });

  test("bad input: an error summary, the answer kept as it was", async () => {
    const browser = newBrowser();
    await throughEmailCode(s, browser, newEmail());
    await answerDetails(browser, { firstName: "Eve", lastName: "Errors", dateOfBirth: "1992-02-03", identifier: { identifier: "nino", nino: "AB123456C" } });
    const cases: [string, Record<string, string>, string][] = [
      ["/find-record/identifier", { identifier: "nino", nino: "AB12345" }, "Enter a National Insurance number in the correct format"],
      ["/find-record/identifier", { identifier: "nino", nino: "DQ123456C" }, "Enter a National Insurance number in the correct format"],
      ["/find-record/identifier", { identifier: "trn", trn: "12345678" }, "Enter a TRN that is 7 digits"],
      ["/find-record/identifier", { identifier: "provider", providerName: "", awardYear: "1890" }, "Enter the name of your teacher training provider"],
      ["/find-record/identifier", {}, "Select how we can find your teaching record"],
      ["/find-record/date-of-birth", { day: "31", month: "2", year: "1992" }, "Date of birth must be a real date"],
      ["/find-record/date-of-birth", { day: "1", month: "1", year: "2099" }, "Date of birth must be in the past"],
      ["/find-record/name", { firstName: "Eve", lastName: "Err0rs", hasPreviousName: "no" }, "Last name must only include letters"],
      ["/find-record/name", { firstName: "Eve", lastName: "Errors" }, "Select yes if you have had a different last name"],
    ];
    for (const [path, fields, message] of cases) {
      await browser.post(path, fields);
      expect(browser.status).toBe(400);
      expect(browser.html).toContain("govuk-error-summary");
      expect(pageText(browser.html)).toContain(message);
    }
    await browser.get("/find-record/check-answers");
    const text = pageText(browser.html);
    expect(text).toContain("AB 12 34 56 C");
    expect(text).toContain("3 February 1992");
    expect(text).toContain("Eve Errors");
  });
});
