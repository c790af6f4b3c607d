// The support console (/admin) over real HTTP against the built binary (dist/teacher-id serve):
// staff added with the CLI, sign-in by email code + TOTP (enrolment, recovery codes, no code
// reuse), the session's cookie, idle timeout, and support's actions on a teacher: change email
// (the old address told), block (sessions, grants and records' answer to the teacher's token) and
// unblock, every action an event by staff:<id> with its reason.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { loadServeConfig } from "../../src/cli/configuration";
import { internalClientCredentials, type ClientCredentials } from "../../src/config/internal-clients";
import { accounts, grants, sessions, staff, staffSessions } from "../../src/identity/db/schema";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { seeding, type SeedTeacher, type Seeding } from "../helpers/access-seed";
import { Browser, authorizationUrl, devMailboxCode, type Authorization } from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import { signInStaff, totpCode, emailCodeStep } from "../helpers/staff-console";
import type { TestSystem } from "../helpers/system";

let served: ServedBinary;
let seed: Seeding;
let system: TestSystem;
let access: ClientCredentials;
const supportEmail = "sam.support@education.gov.uk";
const adminEmail = "ada.admin@education.gov.uk";
let supportSecret = "";
let supportRecovery: string[] = [];

beforeAll(async () => {
  // Many sign-ins of one staff member from one address: room for them in the code limits.
  served = await serveBinary({ env: { INTROSPECTION_CACHE_TTL: "1s", CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: "50", CODE_SEND_CEILING_PER_ADDRESS: "50" } });
  seed = seeding(served.dataDir);
  system = { urls: served.urls, config: Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services)), dataDir: served.dataDir } as TestSystem;
  access = internalClientCredentials(system.config, "access");
});
afterAll(async () => {
  seed?.close();
  await served?.stop();
});

const console_ = () => new Browser(served.urls.identity);
/**
 * Staff sign in here many times within one 30 s step, and a code is never taken twice: as if the
 * clock moved on, the last step used is forgotten before each further sign-in (the reuse test below
 * does not do this).
 */
const clockMovedOn = () => seed.identityDb.update(staff).set({ lastTotpStep: null }).where(eq(staff.email, supportEmail)).run();
const staffId = (email: string) => seed.identityDb.select().from(staff).where(eq(staff.email, email)).get()!.id;

describe("staff CLI", () => {
  test("staff add, list, set-role and remove; bad input changes nothing", () => {
    expect(served.run(["identity", "staff", "add", "--email", supportEmail, "--role", "support"]).code).toBe(0);
    expect(served.run(["identity", "staff", "add", "--email", adminEmail, "--role", "admin"]).code).toBe(0);
    const duplicate = served.run(["identity", "staff", "add", "--email", supportEmail.toUpperCase(), "--role", "admin"]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("already a staff member");
    const badRole = served.run(["identity", "staff", "add", "--email", "x@education.gov.uk", "--role", "root"]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain("--role must be support or admin");
    expect(served.run(["identity", "staff", "add", "--email", "temp@education.gov.uk", "--role", "support"]).code).toBe(0);
    expect(served.run(["identity", "staff", "set-role", "temp@education.gov.uk", "--role", "admin"]).code).toBe(0);
    let list = served.run(["identity", "staff", "list"]).stdout;
    expect(list).toMatch(/temp@education\.gov\.uk {2}admin/);
    expect(list).toMatch(/sam\.support@education\.gov\.uk {2}support {2}authenticator not set up/);
    expect(list).not.toContain("x@education.gov.uk");
    expect(served.run(["identity", "staff", "remove", "temp@education.gov.uk"]).code).toBe(0);
    list = served.run(["identity", "staff", "list"]).stdout;
    expect(list).not.toContain("temp@education.gov.uk");
    const events = served.run(["identity", "events", "list", "--type", "StaffChanged"]).stdout;
    expect(events).toContain('"change":"role-set"');
    expect(events).toContain("by operator:cli");
  });
});

describe("sign-in: email code, then TOTP", () => {
  test("an unknown address gets the same page and no email", async () => {
    const browser = console_();
    await browser.get("/admin/sign-in");
    await browser.post("/admin/sign-in", { email: "not.staff@education.gov.uk" });
    const unknownPage = browser.html;
    expect(browser.url).toEndWith("/admin/sign-in/code");
    expect(unknownPage).toContain("If that address belongs to a member of the support team");
    expect(readDevMailbox(served.dataDir, { to: "not.staff@education.gov.uk" })).toHaveLength(0);
    await browser.post("/admin/sign-in/code", { code: "123456" });
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("The security code is incorrect");
  });

  test("the first sign-in enrols TOTP (QR code inline, secret in text), shows 10 recovery codes once, and signs in", async () => {
    const browser = console_();
    await emailCodeStep(browser, served.dataDir, supportEmail);
    expect(browser.url).toEndWith("/admin/sign-in/enrol");
    expect(browser.html).toContain("<svg");
    expect(browser.html).not.toMatch(/src="https?:/);
    // A wrong code: the page again with an error, nothing stored.
    await browser.post("/admin/sign-in/enrol", { code: "000000" });
    expect(browser.status).toBe(400);
    expect(seed.identityDb.select().from(staff).where(eq(staff.email, supportEmail)).get()!.totpSecretEncrypted).toBeNull();

    const fresh = console_();
    const enrolled = await signInStaff(fresh, served.dataDir, supportEmail);
    supportSecret = enrolled.secret;
    supportRecovery = enrolled.recoveryCodes;
    expect(supportRecovery).toHaveLength(10);
    expect(new Set(supportRecovery).size).toBe(10);
    const row = seed.identityDb.select().from(staff).where(eq(staff.email, supportEmail)).get()!;
    // Encrypted at rest, never the base32 secret itself.
    expect(row.totpSecretEncrypted).not.toContain(supportSecret);
    const home = await fresh.get("/admin");
    expect(home.status).toBe(200);
    expect(home.headers.get("cache-control")).toBe("no-store");
    expect(fresh.html).toContain(supportEmail);
    expect(fresh.html).toContain("Find a teacher");
    expect(fresh.html).not.toContain('href="/admin/clients"');
  });

  test("the staff cookie is HttpOnly, Path=/admin, and a TOTP code never works twice", async () => {
    const browser = console_();
    await emailCodeStep(browser, served.dataDir, supportEmail);
    expect(browser.url).toEndWith("/admin/sign-in/totp");
    // The next step's code (the enrolment used this step's): one step either side is accepted.
    const code = totpCode(supportSecret, Date.now() + 30_000);
    const response = await browser.request("/admin/sign-in/totp", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: decodeURIComponent(browser.cookies.get("identity_csrf")!), code }).toString(),
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("identity_admin="))!;
    expect(cookie).toContain("Path=/admin");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");

    // The same code again, from another browser after its email code: refused.
    const again = console_();
    await emailCodeStep(again, served.dataDir, supportEmail);
    await again.post("/admin/sign-in/totp", { code });
    expect(again.status).toBe(400);
    expect(again.html).toContain("incorrect or has been used");
  });

  test("a recovery code signs in once; the second use is refused", async () => {
    const first = console_();
    await emailCodeStep(first, served.dataDir, supportEmail);
    await first.post("/admin/sign-in/recovery", { "recovery-code": supportRecovery[0]!.toUpperCase() });
    expect(first.url).toEndWith("/admin");
    expect(first.status).toBe(200);
    const second = console_();
    await emailCodeStep(second, served.dataDir, supportEmail);
    await second.post("/admin/sign-in/recovery", { "recovery-code": supportRecovery[0]! });
    expect(second.status).toBe(400);
    expect(second.html).toContain("The recovery code is incorrect or has been used");
  });

  test("30 idle minutes end a staff session; 8 hours end it however active", async () => {
    const browser = console_();
    clockMovedOn();
    await signInStaff(browser, served.dataDir, supportEmail, { secret: supportSecret });
    const idHash = seed.identityDb.select().from(staffSessions).where(eq(staffSessions.stage, "signed-in")).all().at(-1)!.idHash;
    // The clock moved: the last request was 29 minutes ago, then 31.
    seed.identityDb.update(staffSessions).set({ lastSeenAt: Date.now() - 29 * 60_000 }).where(eq(staffSessions.idHash, idHash)).run();
    expect((await browser.request("/admin")).status).toBe(200);
    seed.identityDb.update(staffSessions).set({ lastSeenAt: Date.now() - 31 * 60_000 }).where(eq(staffSessions.idHash, idHash)).run();
    const idle = await browser.request("/admin");
    expect(idle.status).toBe(303);
    expect(idle.headers.get("location")).toBe("/admin/sign-in");

    const other = console_();
    clockMovedOn();
    await signInStaff(other, served.dataDir, supportEmail, { secret: supportSecret });
    const session = seed.identityDb.select().from(staffSessions).where(eq(staffSessions.stage, "signed-in")).all().at(-1)!;
    expect(session.expiresAt - session.createdAt).toBe(8 * 60 * 60_000);
    seed.identityDb.update(staffSessions).set({ expiresAt: Date.now() - 1 }).where(eq(staffSessions.idHash, session.idHash)).run();
    expect((await other.request("/admin")).status).toBe(303);
  });

  test("a teacher's session is not a staff session, and a staff session signs no teacher in", async () => {
    const teacherCookie = seed.signedInAtIdentity({ trn: null, firstName: "Tom", lastName: "Teacher", dateOfBirth: "1990-01-01", email: "tom.teacher@example.com" });
    const teacher = console_();
    const [name, value] = teacherCookie.split("=");
    teacher.cookies.set(name!, value!);
    const answer = await teacher.request("/admin");
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toBe("/admin/sign-in");

    const staffBrowser = console_();
    clockMovedOn();
    await signInStaff(staffBrowser, served.dataDir, supportEmail, { secret: supportSecret });
    const account = await staffBrowser.request("/account");
    expect(account.status).toBe(303);
    expect(account.headers.get("location")).not.toBe("/account");
  });
});

describe("support's actions on a teacher", () => {
  let trn = 4300001;
  function teacherWithSession(): { teacher: SeedTeacher; sessionCookie: string; accountId: string } {
    const t: SeedTeacher = { trn: String(trn++), firstName: "Noor", lastName: "Haddad", dateOfBirth: "1992-03-04", email: `noor.${trn}@example.com`, qtsDate: "2026-07-01" };
    seed.teacher(t);
    const sessionCookie = seed.signedInAtIdentity(t);
    const accountId = seed.identityDb.select().from(accounts).where(eq(accounts.email, t.email)).get()!.id;
    return { teacher: t, sessionCookie, accountId };
  }
  async function signedInSupport(): Promise<Browser> {
    const browser = console_();
    clockMovedOn();
    await signInStaff(browser, served.dataDir, supportEmail, { secret: supportSecret });
    return browser;
  }

  test("find by TRN, change the email with a reason: the old address is told, the event names the staff member and the reason", async () => {
    const { teacher, accountId } = teacherWithSession();
    const browser = await signedInSupport();
    await browser.get(`/admin?q=${teacher.trn}`);
    expect(browser.html).toContain("1 teacher found by TRN");
    expect(browser.html).toContain(`/admin/teachers/${accountId}`);
    await browser.get(`/admin?q=${accountId}`);
    expect(browser.html).toContain("1 teacher found by sub (account id)");
    await browser.get(`/admin?q=${encodeURIComponent(teacher.email.toUpperCase())}`);
    expect(browser.html).toContain("1 teacher found by email address");
    await browser.get(`/admin?q=${encodeURIComponent(teacher.email.slice(0, 9))}`);
    expect(browser.html).toContain(`/admin/teachers/${accountId}`);

    await browser.post(`/admin/teachers/${accountId}/email`, { email: "noor.new@example.com" });
    expect(browser.html).toContain("Confirm the new email address");
    expect(browser.html).toContain(`${teacher.email} will become noor.new@example.com`);
    // No reason: the confirmation again with an error, nothing changed.
    await browser.post(`/admin/teachers/${accountId}/email`, { email: "noor.new@example.com", confirm: "yes", reason: "" });
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("Enter the reason for this change");
    expect(seed.identityDb.select().from(accounts).where(eq(accounts.id, accountId)).get()!.email).toBe(teacher.email);

    await browser.post(`/admin/teachers/${accountId}/email`, { email: "noor.new@example.com", confirm: "yes", reason: "Ticket 123: DQT email was wrong" });
    expect(browser.url).toContain(`/admin/teachers/${accountId}?done=email`);
    expect(seed.identityDb.select().from(accounts).where(eq(accounts.id, accountId)).get()!.email).toBe("noor.new@example.com");
    const deadline = Date.now() + 10_000;
    while (readDevMailbox(served.dataDir, { to: teacher.email }).length === 0 && Date.now() < deadline) await Bun.sleep(50);
    const notice = readDevMailbox(served.dataDir, { to: teacher.email })[0]!;
    expect(notice.subject).toBe("Your Teacher ID email address was changed");
    const events = served.run(["identity", "events", "list", "--actor", `staff:${staffId(supportEmail)}`, "--user", accountId]).stdout;
    expect(events).toContain("UserUpdated");
    expect(events).toContain('"reason":"Ticket 123: DQT email was wrong"');
    expect(browser.html).toContain("Ticket 123: DQT email was wrong");
  });

  test("block: sessions end, grants are revoked, records refuses the teacher's token, sign-in says blocked; unblock lets them in", async () => {
    const { teacher, sessionCookie, accountId } = teacherWithSession();
    const teacherBrowser = new Browser(served.urls.identity);
    const [name, value] = sessionCookie.split("=");
    teacherBrowser.cookies.set(name!, value!);
    const { url, auth } = authorizationUrl(system);
    await teacherBrowser.get(url);
    const tokens = await redeem(teacherBrowser, auth);
    expect((await teacherRecord(tokens.access_token)).status).toBe(200);

    const browser = await signedInSupport();
    await browser.get(`/admin/teachers/${accountId}/block`);
    expect(browser.html).toContain("Every Teacher ID session of the account ends now");
    await browser.post(`/admin/teachers/${accountId}/block`, { confirm: "yes", reason: "Ticket 456: account compromised" });
    expect(browser.html).toContain("This account is blocked");
    expect(seed.identityDb.select().from(sessions).where(eq(sessions.accountId, accountId)).all()).toHaveLength(0);
    expect(seed.identityDb.select().from(grants).where(eq(grants.accountId, accountId)).all().every((g) => g.revokedAt !== null)).toBe(true);

    // records asks identity's /introspect about every user token (cached INTROSPECTION_CACHE_TTL, 1 s here).
    const deadline = Date.now() + 10_000;
    let answer = await teacherRecord(tokens.access_token);
    while (answer.status !== 401 && Date.now() < deadline) {
      await Bun.sleep(100);
      answer = await teacherRecord(tokens.access_token);
    }
    expect(answer.status).toBe(401);
    expect((await tokenEndpoint({ grant_type: "refresh_token", refresh_token: tokens.refresh_token })).body.error).toBe("invalid_grant");

    // Signing in again: after the email code, the blocked page, and no code for the client.
    const again = new Browser(served.urls.identity);
    const second = authorizationUrl(system);
    await again.get(second.url);
    await again.post("/sign-in", { email: teacher.email });
    const code = await devMailboxCode(served.dataDir, "email", teacher.email);
    await again.post("/sign-in/code", { code });
    expect(again.status).toBe(403);
    expect(again.html).toContain("Your account is blocked");
    expect(again.leftTo).toBeUndefined();

    await browser.post(`/admin/teachers/${accountId}/unblock`, { confirm: "yes", reason: "Ticket 456: resolved" });
    expect(browser.html).toContain("The account has been unblocked");
    const events = served.run(["identity", "events", "list", "--actor", `staff:${staffId(supportEmail)}`, "--user", accountId]).stdout;
    expect(events).toContain("UserBlocked");
    expect(events).toContain("UserUnblocked");
    expect(events).toContain('"reason":"Ticket 456: account compromised"');
  });
});

async function tokenEndpoint(params: Record<string, string>) {
  const response = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(access.clientId)}:${encodeURIComponent(access.clientSecret)}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as { access_token: string; refresh_token: string; error?: string } };
}

async function redeem(browser: Browser, auth: Authorization) {
  const back = new URL(browser.leftTo!);
  const { status, body } = await tokenEndpoint({ grant_type: "authorization_code", code: back.searchParams.get("code")!, redirect_uri: auth.redirectUri, code_verifier: auth.verifier });
  expect(status).toBe(200);
  return body;
}

async function teacherRecord(accessToken: string) {
  const response = await fetch(`${served.urls.records}/v3/teacher`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status };
}
