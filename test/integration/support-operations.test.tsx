// Issue 15, the support console's operations on accounts and records, over real HTTP: the built
// binary (dist/teacher-id serve) runs identity, records and access with a real SMTP server; support
// officers sign in to identity's console (/admin: email code, then TOTP) and use the operations
// (src/identity/support/) it mounts behind its staff guard. Emails and webhooks are sent by the
// running identity's outbox worker; records is reached with identity's own client credentials.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { loadServeConfig } from "../../src/cli/configuration";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { insertAccount, type Account } from "../../src/identity/accounts/accounts";
import { accounts, events, mergedAccounts, trnTokens } from "../../src/identity/db/schema";
import { createChangeRequest } from "../../src/records/change-requests/change-requests";
import { changeRequests, teacherIdAccounts, teachers } from "../../src/records/db/schema";
import { awardInvitation } from "../../src/records/invitations/award-invitation";
import { enqueueMessage } from "../../src/outbox/enqueue";
import { sha256 } from "../../src/security/tokens";
import { seeding, type Seeding } from "../helpers/access-seed";
import { authorize, Browser, pageText } from "../helpers/identity-journey";
import { loadApiDocument, watchApiResponses, type ResponseWatch } from "../helpers/openapi-conformance";
import { freePort } from "../helpers/ports";
import { clientToken, registerApiClient } from "../helpers/records-support";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { signInStaff } from "../helpers/staff-console";
import { addStaff } from "../../src/identity/admin/staff/staff";
import type { TestSystem } from "../helpers/system";

let smtp: TestSmtpServer;
let served: ServedBinary;
let seed: Seeding;
/** Support officers by name: their id and their signed-in browser. */
const officers = new Map<string, { id: string; browser: Browser }>();
let system: TestSystem;
let watch: ResponseWatch;
const webhookSecret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
const webhookPort = freePort();
const delivered: { headers: Record<string, string>; body: string }[] = [];
const receiver = Bun.serve({
  port: webhookPort,
  hostname: "127.0.0.1",
  async fetch(request) {
    delivered.push({ headers: Object.fromEntries(request.headers), body: await request.text() });
    return new Response(null, { status: 204 });
  },
});

let nextTrn = 6100001;
let nextEmail = 0;
const freshTrn = () => String(nextTrn++);

beforeAll(async () => {
  smtp = await startSmtpServer();
  served = await serveBinary({ env: { SMTP_URL: smtp.url } });
  const added = served.run(["identity", "webhooks", "add", "--url", `http://127.0.0.1:${webhookPort}/hooks`, "--events", "UserMerged", "--secret", webhookSecret]);
  expect(added.code).toBe(0);
  const config = Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services));
  system = { urls: served.urls, config, dataDir: served.dataDir } as TestSystem;
  seed = seeding(served.dataDir);
  for (const name of ["s-1", "s-2", "s-3"]) {
    const email = `${name}@education.gov.uk`;
    const id = addStaff(seed.identityDb, { email, role: "support" }).id;
    const browser = new Browser(served.urls.identity);
    await signInStaff(browser, smtp, email);
    officers.set(name, { id, browser });
  }
  // records' support API, as identity's client calls it, checked against records' own document.
  watch = watchApiResponses(served.urls.records, await loadApiDocument(served.urls.records), { apiPrefixes: ["/v2/support"] });
}, 60_000);
afterEach(() => {
  expect(watch.failures.splice(0)).toEqual([]);
});
afterAll(async () => {
  watch?.restore();
  seed?.close();
  receiver.stop(true);
  await served?.stop();
  await smtp?.close();
});

/** A support officer's browser, signed in to the console. */
const staffBrowser = (name = "s-1") => officers.get(name)!.browser;
/** The actor of a staff member's events. */
const staffActor = (name: string) => `staff:${officers.get(name)!.id}`;

function teacher(trn: string, fields: { email?: string; firstName?: string; lastName?: string } = {}) {
  seed.teacher({ trn, firstName: fields.firstName ?? "Sam", lastName: fields.lastName ?? `Okoro-${trn}`, dateOfBirth: "1995-04-03", email: fields.email ?? `record.${trn}@example.com` });
}

function account(fields: { trn?: string | null } = {}): Account {
  nextEmail += 1;
  return insertAccount(seed.identityDb, {
    email: `support.teacher.${nextEmail}.${Date.now()}@example.com`,
    phoneNumber: null,
    givenName: "Sam",
    familyName: "Okoro",
    preferredName: "Sam",
    birthdate: "1995-04-03",
    trn: fields.trn ?? null,
  });
}

const accountRow = (sub: string) => seed.identityDb.select().from(accounts).where(eq(accounts.id, sub)).get();
const eventsOf = (subject: string) => seed.identityDb.select().from(events).where(eq(events.subject, subject)).all();
const errorSummary = (html: string) => pageText(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? "");

describe("every operation needs a staff member", () => {
  test("without one, each page goes to the console's sign-in, each post is refused with 403, and nothing changes", async () => {
    const target = account();
    const anonymous = new Browser(served.urls.identity);
    for (const path of [`/admin/teachers/${target.id}/trn`, "/admin/new-link", "/admin/merge", "/admin/change-requests/CASE-2222AA"]) {
      await anonymous.get(path);
      expect(anonymous.url).toEndWith("/admin/sign-in");
    }
    // A post with a valid CSRF token and a reason, but nobody signed in.
    teacher(freshTrn());
    await anonymous.post(`/admin/teachers/${target.id}/trn`, { action: "assign", trn: String(nextTrn - 1), reason: "ticket 1" });
    expect(anonymous.status).toBe(403);
    expect(accountRow(target.id)?.trn).toBeNull();
  });
});

describe("assign or remove a TRN", () => {
  test("assigns a TRN records knows, with a TrnBound event naming the staff member and the reason", async () => {
    const trn = freshTrn();
    teacher(trn);
    const target = account();
    const browser = staffBrowser();
    await browser.get(`/admin/teachers/${target.id}/trn`);
    expect(browser.status).toBe(200);
    expect(pageText(browser.html)).toContain(`The TRN you enter will be linked to the account for ${target.email}`);
    await browser.post(`/admin/teachers/${target.id}/trn`, { action: "assign", trn, reason: "Ticket 4411: confirmed by phone" });
    expect(browser.status).toBe(200);
    expect(browser.url).toEndWith("?done=trn-assigned");
    expect(pageText(browser.html)).toContain("The TRN was assigned.");
    expect(accountRow(target.id)?.trn).toBe(trn);
    const bound = eventsOf(target.id).find((e) => e.type === "TrnBound");
    expect(bound?.actor).toBe(staffActor("s-1"));
    expect(JSON.parse(bound!.payload)).toMatchObject({ trn, reason: "Ticket 4411: confirmed by phone" });
  });

  test("without a reason the page comes back with an error summary, and nothing changes", async () => {
    const trn = freshTrn();
    teacher(trn);
    const target = account();
    const browser = staffBrowser();
    await browser.get(`/admin/teachers/${target.id}/trn`);
    await browser.post(`/admin/teachers/${target.id}/trn`, { action: "assign", trn, reason: "   " });
    expect(browser.status).toBe(400);
    expect(errorSummary(browser.html)).toContain("Enter a reason");
    expect(accountRow(target.id)?.trn).toBeNull();
    expect(eventsOf(target.id)).toEqual([]);
  });

  test("refused when another account holds the TRN (409), and when records has no such teacher", async () => {
    const trn = freshTrn();
    teacher(trn);
    account({ trn });
    const target = account();
    const browser = staffBrowser();
    await browser.get(`/admin/teachers/${target.id}/trn`);
    await browser.post(`/admin/teachers/${target.id}/trn`, { action: "assign", trn, reason: "ticket 12" });
    expect(browser.status).toBe(409);
    expect(errorSummary(browser.html)).toContain("Another Teacher ID account holds this TRN");
    await browser.post(`/admin/teachers/${target.id}/trn`, { action: "assign", trn: "6999999", reason: "ticket 12" });
    expect(browser.status).toBe(400);
    expect(errorSummary(browser.html)).toContain("No teaching record has this TRN");
    expect(accountRow(target.id)?.trn).toBeNull();
    expect(eventsOf(target.id)).toEqual([]);
  });

  test("removes a TRN with a TrnRemoved event; without a reason it stays", async () => {
    const trn = freshTrn();
    const target = account({ trn });
    const browser = staffBrowser("s-2");
    await browser.get(`/admin/teachers/${target.id}/trn`);
    expect(pageText(browser.html)).toContain(`TRN ${trn} will no longer be linked to the account for ${target.email}`);
    await browser.post(`/admin/teachers/${target.id}/trn`, { action: "remove", trn, reason: "" });
    expect(browser.status).toBe(400);
    expect(accountRow(target.id)?.trn).toBe(trn);
    await browser.post(`/admin/teachers/${target.id}/trn`, { action: "remove", trn, reason: "Wrong TRN linked at registration" });
    expect(browser.url).toEndWith("?done=trn-removed");
    expect(accountRow(target.id)?.trn).toBeNull();
    const removed = eventsOf(target.id).find((e) => e.type === "TrnRemoved");
    expect(removed?.actor).toBe(staffActor("s-2"));
    expect(JSON.parse(removed!.payload)).toEqual({ trn, reason: "Wrong TRN linked at registration" });
  });
});

describe("send a new link to a corrected email address", () => {
  test("the link goes to the corrected address through identity's outbox, for the TRN records confirms", async () => {
    const trn = freshTrn();
    teacher(trn, { email: "wrong.address@example.com", firstName: "Priya", lastName: "Shah" });
    const corrected = `priya.shah.${trn}@example.com`;
    const browser = staffBrowser();
    await browser.get("/admin/new-link");
    await browser.post("/admin/new-link", { trn, email: corrected, reason: "Ticket 77: DQT email had a typo" });
    expect(browser.url).toContain("done=link-sent");
    const email = await smtp.waitForMessage(corrected, { timeoutMs: 10_000 });
    expect(email.subject).toBe("Your link to create a Teacher ID account");
    expect(email.text).toContain("Dear Priya Shah");
    expect(email.text).toContain(`Your teacher reference number (TRN) is ${trn}.`);
    const link = /(http\S+\/register\?trn_token=\S+)/.exec(email.text)![1]!;
    expect(link.startsWith(`${served.urls.access}/register?trn_token=`)).toBe(true);
    const token = new URL(link).searchParams.get("trn_token")!;
    const stored = seed.identityDb.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get();
    expect(stored).toMatchObject({ trn, email: corrected, consumedAt: null });
    const issued = eventsOf(`trn:${trn}`).find((e) => e.type === "TrnTokenIssued");
    expect(issued?.actor).toBe(staffActor("s-1"));
    expect(JSON.parse(issued!.payload).reason).toBe("Ticket 77: DQT email had a typo");
    // The teacher can start registering with it: identity takes the token (the registration journey).
    const teacherBrowser = new Browser(served.urls.identity, { "x-forwarded-for": "198.51.100.60" });
    await authorize(system, teacherBrowser, { trnToken: token });
    expect(teacherBrowser.status).toBe(200);
    expect(teacherBrowser.url).toContain("/register");
  });

  test("no reason, an unknown TRN or a TRN another account holds: nothing is sent", async () => {
    const held = freshTrn();
    teacher(held);
    account({ trn: held });
    const browser = staffBrowser();
    await browser.get("/admin/new-link");
    await browser.post("/admin/new-link", { trn: held, email: "x1@example.com", reason: "" });
    expect(browser.status).toBe(400);
    expect(errorSummary(browser.html)).toContain("Enter a reason");
    await browser.post("/admin/new-link", { trn: "6999998", email: "x1@example.com", reason: "ticket" });
    expect(errorSummary(browser.html)).toContain("No teaching record has this TRN");
    await browser.post("/admin/new-link", { trn: held, email: "x1@example.com", reason: "ticket" });
    expect(browser.status).toBe(409);
    expect(errorSummary(browser.html)).toContain("Another Teacher ID account holds this TRN");
    expect(seed.identityDb.select().from(trnTokens).where(eq(trnTokens.email, "x1@example.com")).all()).toEqual([]);
  });

  test("rate-limited per address: the fourth link to one address in an hour is refused (429)", async () => {
    const trn = freshTrn();
    teacher(trn);
    const browser = staffBrowser("s-3");
    await browser.get("/admin/new-link");
    const to = `limited.${trn}@example.com`;
    for (let i = 0; i < 3; i++) {
      await browser.post("/admin/new-link", { trn, email: to, reason: "ticket 9" });
      expect(browser.url).toContain("done=link-sent");
    }
    await browser.post("/admin/new-link", { trn, email: to, reason: "ticket 9" });
    expect(browser.status).toBe(429);
    expect(errorSummary(browser.html)).toContain("Too many links have been sent");
    expect(seed.identityDb.select().from(trnTokens).where(eq(trnTokens.email, to)).all()).toHaveLength(3);
  });
});

describe("merge two accounts", () => {
  test("the merged account's TRN moves to the survivor, it is gone, UserMerged reaches subscribers, and its email is told where it went", async () => {
    const trn = freshTrn();
    teacher(trn);
    const duplicate = account({ trn });
    const survivor = account();
    const browser = staffBrowser();
    await browser.get(`/admin/merge?survivor=${survivor.id}&merged=${duplicate.id}`);
    expect(pageText(browser.html)).toContain(`TRN ${trn} moves to the account for ${survivor.email}`);
    await browser.post("/admin/merge", { survivor: survivor.id, merged: duplicate.id, reason: "Ticket 5: same teacher, two accounts" });
    expect(browser.url).toContain("done=merged");
    expect(accountRow(duplicate.id)).toBeUndefined();
    expect(accountRow(survivor.id)?.trn).toBe(trn);
    expect(seed.identityDb.select().from(mergedAccounts).where(eq(mergedAccounts.sub, duplicate.id)).get()?.mergedIntoSub).toBe(survivor.id);
    const merged = eventsOf(duplicate.id).find((e) => e.type === "UserMerged");
    expect(merged?.actor).toBe(staffActor("s-1"));
    expect(JSON.parse(merged!.payload)).toMatchObject({ sub: duplicate.id, mergedIntoSub: survivor.id, reason: "Ticket 5: same teacher, two accounts" });

    // The webhook subscriber gets UserMerged, signed (Standard Webhooks), without the staff's reason.
    const deadline = Date.now() + 10_000;
    while (!delivered.some((d) => d.body.includes(duplicate.id)) && Date.now() < deadline) await Bun.sleep(100);
    const delivery = delivered.find((d) => d.body.includes(duplicate.id))!;
    const message = new Webhook(webhookSecret).verify(delivery.body, delivery.headers) as { type: string; data: unknown };
    expect(message.type).toBe("UserMerged");
    // Where it went, and the survivor as it is now (holding the TRN); never the staff member's reason.
    expect(message.data).toMatchObject({ sub: duplicate.id, mergedIntoSub: survivor.id, email: survivor.email, verified: true });
    expect(JSON.stringify(message.data)).not.toContain("reason");

    // records (subscribed to identity's events) now has the survivor holding the TRN.
    const holder = () => seed.recordsDb.select().from(teacherIdAccounts).where(eq(teacherIdAccounts.trn, trn)).get()?.sub;
    while (holder() !== survivor.id && Date.now() < deadline) await Bun.sleep(100);
    expect(holder()).toBe(survivor.id);

    // Its sub is never issued again.
    expect(() => seed.identityDb.insert(accounts).values({ ...duplicate, email: "reuse@example.com", trn: null }).run()).toThrow(/merged account/);

    // Signing in with the merged account's email: the same page as ever, and an email naming the survivor's address.
    const signIn = new Browser(served.urls.identity, { "x-forwarded-for": "198.51.100.61" });
    await authorize(system, signIn, { scope: "openid email" });
    await signIn.post("/sign-in", { email: duplicate.email });
    expect(signIn.url).toEndWith("/sign-in/code");
    const told = await smtp.waitForMessage(duplicate.email, { timeoutMs: 10_000 });
    expect(told.text).toContain("has been joined to another Teacher ID account");
    expect(told.text).toContain(`@example.com`);
    expect(told.text).not.toContain(survivor.email);
  });

  test("refused: an account into itself, two accounts with different TRNs, and no reason; nothing changes", async () => {
    const [a, b] = [freshTrn(), freshTrn()];
    const first = account({ trn: a });
    const second = account({ trn: b });
    const browser = staffBrowser();
    await browser.get("/admin/merge");
    await browser.post("/admin/merge", { survivor: first.id, merged: first.id, reason: "ticket" });
    expect(browser.status).toBe(409);
    expect(errorSummary(browser.html)).toContain("This is the account that stays");
    await browser.post("/admin/merge", { survivor: first.id, merged: second.id, reason: "ticket" });
    expect(browser.status).toBe(409);
    expect(errorSummary(browser.html)).toContain(`These accounts have different TRNs (${a} and ${b})`);
    const third = account();
    await browser.post("/admin/merge", { survivor: first.id, merged: third.id, reason: "" });
    expect(browser.status).toBe(400);
    expect(errorSummary(browser.html)).toContain("Enter a reason");
    for (const kept of [first, second, third]) expect(accountRow(kept.id)).toBeDefined();
    expect([...eventsOf(first.id), ...eventsOf(second.id), ...eventsOf(third.id)]).toEqual([]);
  });
});

// A small real PDF, as a teacher's evidence.
const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

function changeRequest(trn: string, requested: { firstName: string; middleName: string | null; lastName: string } | { dateOfBirth: string }): string {
  const created = createChangeRequest(seed.recordsDb, {
    trn,
    requestedBy: "sub-of-teacher",
    requested,
    evidence: { name: "marriage certificate.pdf", type: { ext: "pdf", mime: "application/pdf" }, bytes: pdf },
    accessUrl: served.urls.access,
  });
  if (!created.ok) throw new Error(created.reason);
  return created.change.caseReference;
}

describe("change requests", () => {
  test("staff view one, download its evidence through identity, and approving changes the record and emails the teacher", async () => {
    const trn = freshTrn();
    const to = `cr.${trn}@example.com`;
    teacher(trn, { email: to, firstName: "Ada", lastName: "Jones" });
    const reference = changeRequest(trn, { firstName: "Ada", middleName: null, lastName: "Lovelace" });
    const browser = staffBrowser();
    await browser.get(`/admin/change-requests/${reference}`);
    expect(browser.status).toBe(200);
    const text = pageText(browser.html);
    expect(text).toContain("the name on the teaching record changes from Ada Jones to Ada Lovelace");
    expect(text).toContain("marriage certificate.pdf (application/pdf");

    const evidence = await browser.request(`/admin/change-requests/${reference}/evidence`);
    expect(evidence.status).toBe(200);
    expect(evidence.headers.get("content-type")).toBe("application/pdf");
    expect(evidence.headers.get("content-disposition")).toStartWith("attachment;");
    expect(evidence.headers.get("x-content-type-options")).toBe("nosniff");
    expect(evidence.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(new Uint8Array(await evidence.arrayBuffer())).toEqual(pdf);

    // No reason: nothing changes.
    await browser.post(`/admin/change-requests/${reference}`, { decision: "approve", reason: "" });
    expect(browser.status).toBe(400);
    expect(errorSummary(browser.html)).toContain("Enter a reason");
    expect(seed.recordsDb.select().from(changeRequests).where(eq(changeRequests.reference, reference)).get()?.status).toBe("open");

    await browser.post(`/admin/change-requests/${reference}`, { decision: "approve", reason: "Marriage certificate checked" });
    expect(browser.url).toContain("done=approved");
    const record = seed.recordsDb.select().from(teachers).where(eq(teachers.trn, trn)).get()!;
    expect([record.firstName, record.lastName]).toEqual(["Ada", "Lovelace"]);
    const email = await smtp.waitForMessage(to, { timeoutMs: 10_000, match: (m) => m.subject.startsWith("We have changed") });
    expect(email.subject).toBe(`We have changed your name (${reference})`);
    expect(email.text).toContain("Your name is now: Ada Lovelace");
    // Decided once: a second decision is refused and changes nothing.
    await browser.post(`/admin/change-requests/${reference}`, { decision: "reject", reason: "again" });
    expect(browser.status).toBe(409);
    expect(errorSummary(browser.html)).toContain("Someone has already decided this request");
    expect(seed.recordsDb.select().from(changeRequests).where(eq(changeRequests.reference, reference)).get()?.status).toBe("approved");
  });

  test("rejecting leaves the record and emails the teacher the reason", async () => {
    const trn = freshTrn();
    const to = `cr.${trn}@example.com`;
    teacher(trn, { email: to });
    const reference = changeRequest(trn, { dateOfBirth: "1995-04-30" });
    const browser = staffBrowser();
    await browser.get(`/admin/change-requests/${reference}`);
    await browser.post(`/admin/change-requests/${reference}`, { decision: "reject", reason: "The document does not show a date of birth." });
    expect(browser.url).toContain("done=rejected");
    expect(seed.recordsDb.select().from(teachers).where(eq(teachers.trn, trn)).get()?.dateOfBirth).toBe("1995-04-03");
    const email = await smtp.waitForMessage(to, { timeoutMs: 10_000, match: (m) => m.subject.startsWith("We have not changed") });
    expect(email.subject).toBe(`We have not changed your date of birth (${reference})`);
    expect(email.text).toContain("The document does not show a date of birth.");
    const row = seed.recordsDb.select().from(changeRequests).where(eq(changeRequests.reference, reference)).get();
    expect(row).toMatchObject({ status: "rejected", decidedBy: staffActor("s-1"), decisionReason: "The document does not show a date of birth." });
  });

  test("records' support API: only a token with its scopes; the evidence headers at the source", async () => {
    const trn = freshTrn();
    teacher(trn);
    const reference = changeRequest(trn, { dateOfBirth: "1995-05-03" });
    const reader = await clientToken(served.urls.identity, registerApiClient(served.dataDir, ["teachers:read"]), "teachers:read");
    const refused = await fetch(`${served.urls.records}/v2/support/change-requests/${reference}`, { headers: { authorization: `Bearer ${reader}` } });
    expect(refused.status).toBe(403);
    const identityClient = internalClientCredentials(system.config, "identity");
    const token = await clientToken(served.urls.identity, identityClient, "support:read support:write");
    const evidence = await fetch(`${served.urls.records}/v2/support/change-requests/${reference}/evidence`, { headers: { authorization: `Bearer ${token}` } });
    expect(evidence.status).toBe(200);
    expect(evidence.headers.get("content-disposition")).toBe(`attachment; filename="marriage certificate.pdf"; filename*=UTF-8''marriage%20certificate.pdf`);
    expect(evidence.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(evidence.headers.get("x-content-type-options")).toBe("nosniff");
    await evidence.arrayBuffer();
    const noReason = await fetch(`${served.urls.records}/v2/support/change-requests/${reference}/reject`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: " ", decidedBy: staffActor("s-1") }),
    });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { errors: Record<string, string[]> }).errors.reason).toEqual(["reason is required"]);
    expect(seed.recordsDb.select().from(changeRequests).where(eq(changeRequests.reference, reference)).get()?.status).toBe("open");
  });
});

describe("TeacherRecordSummary on the console's teacher page", () => {
  test("shows the TRN's open change requests and invitations from records, and links to each operation", async () => {
    const trn = freshTrn();
    teacher(trn, { firstName: "Lee", lastName: "Chan" });
    const reference = changeRequest(trn, { firstName: "Lee", middleName: null, lastName: "Chan-Smith" });
    // An invitation, as an award enqueues it in records' outbox (records' worker then sends it).
    enqueueMessage(seed.recordsDb, awardInvitation("qts", "put-qts", { trn, email: `record.${trn}@example.com`, firstName: "Lee", lastName: "Chan" }, "2026-07-01"));
    const browser = staffBrowser();
    const holder = account({ trn });
    await browser.get(`/admin/teachers/${holder.id}`);
    const text = pageText(browser.html);
    expect(text).toContain("Lee Chan");
    expect(text).toContain(`${reference} : name to Lee Chan-Smith`);
    expect(text).toMatch(new RegExp(`QTS record\\.${trn}@example\\.com (Waiting to be sent|Sent)`));
    expect(browser.html).toContain(`href="/admin/change-requests/${reference}"`);
    // The operations on this teacher.
    for (const href of [`/admin/teachers/${holder.id}/trn`, `/admin/new-link?sub=${holder.id}`, `/admin/merge?survivor=${holder.id}`]) expect(browser.html).toContain(`href="${href}"`);
    await browser.get(`/admin/teachers/${account({ trn: "6999997" }).id}`);
    expect(pageText(browser.html)).toContain("No teaching record has TRN 6999997");
    await browser.get(`/admin/teachers/${account().id}`);
    expect(pageText(browser.html)).toContain("This account has no TRN");
    expect(watch.checked).toBeGreaterThan(0);
  });
});
