// Issue 13, identity's half: "Your Teacher ID account" (/account), attacked and used through the
// built binary (dist/teacher-id serve) over HTTP, as a browser without JavaScript would. Teachers
// and their accounts are put in the databases directly (as an import and an earlier sign-in would);
// every change goes through the pages' forms, with their CSRF token.
//
// The abuse cases: code floods on the new address, changing to another account's address, a CSRF
// attempt on delete, deleting and then reusing the old session; and every POST is rate-limited.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { loadServeConfig } from "../../src/cli/configuration";
import { internalClientCredentials, type ClientCredentials } from "../../src/config/internal-clients";
import { accountPostsPerWindow } from "../../src/identity/account/account-guard";
import { accountCodesPerWindow } from "../../src/identity/account/account-codes";
import { findAccountById } from "../../src/identity/accounts/accounts";
import { accounts, deletedAccounts, events, grants, sessions } from "../../src/identity/db/schema";
import { eventsAbout } from "../../src/identity/events/events";
import { createSession } from "../../src/identity/sessions/session";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { teachers } from "../../src/records/db/schema";
import { seeding, type SeedTeacher, type Seeding } from "../helpers/access-seed";
import { Browser, authorizationUrl, createTrnToken, devMailboxCode } from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import type { TestSystem } from "../helpers/system";

/** Low, so a flood is reached in a few requests; the code rules are otherwise today's. */
const sendLimitPerAddress = 3;

let served: ServedBinary;
let seed: Seeding;
/** What the identity-journey helpers read: URLs and the provisioned client credentials. */
let system: TestSystem;
let access: ClientCredentials;
let nextTrn = 4800001;

beforeAll(async () => {
  served = await serveBinary({ env: { CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: String(sendLimitPerAddress) } });
  seed = seeding(served.dataDir);
  system = {
    urls: served.urls,
    config: Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services)),
    dataDir: served.dataDir,
  } as TestSystem;
  access = internalClientCredentials(system.config, "access");
}, 30_000);
afterAll(async () => {
  seed?.close();
  await served?.stop();
});

interface Teacher {
  teacher: SeedTeacher;
  accountId: string;
  browser: Browser;
}

/** A teacher in records with a Teacher ID account, signed in in a browser that has opened /account. */
async function signedInTeacher(): Promise<Teacher> {
  const trn = String(nextTrn++);
  const teacher: SeedTeacher = { trn, firstName: "Priya", middleName: "Anand", lastName: "Venkataraman", dateOfBirth: "1993-08-17", email: `priya.${trn}@example.com`, qtsDate: "2026-07-01" };
  seed.teacher(teacher);
  const cookie = seed.signedInAtIdentity(teacher);
  const browser = new Browser(served.urls.identity);
  const [name, value] = cookie.split("=");
  browser.cookies.set(name, value);
  await browser.get("/account");
  expect(browser.url).toBe(`${served.urls.identity}/account`);
  const accountId = seed.identityDb.select().from(accounts).where(eq(accounts.email, teacher.email)).get()!.id;
  return { teacher, accountId, browser };
}

/** The text of the page's <main>, tags removed. */
const mainText = (html: string) => html.slice(html.indexOf("<main"), html.indexOf("</main>")).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
const emailsTo = (to: string) => readDevMailbox(served.dataDir, { to }).filter((m) => m.channel === "email");
const account = (id: string) => findAccountById(seed.identityDb, id);

/** Waits for the outbox worker to deliver `count` emails to `to` (then waits a little more for extras). */
async function waitForEmails(to: string, count: number) {
  for (let i = 0; i < 200 && emailsTo(to).length < count; i++) await Bun.sleep(25);
  await Bun.sleep(300);
  return emailsTo(to);
}

const basic = (c: ClientCredentials) => `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64")}`;

async function tokenEndpoint(params: Record<string, string>) {
  const response = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: { authorization: basic(access), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as { access_token?: string; refresh_token?: string; error?: string } };
}

/** access's tokens for a browser signed in at identity (/authorize answers at once with a code). */
async function tokensFor(browser: Browser): Promise<{ access_token: string; refresh_token: string }> {
  const { url, auth } = authorizationUrl(system);
  await browser.get(url);
  const code = codeFrom(browser);
  const { status, body } = await tokenEndpoint({ grant_type: "authorization_code", code, redirect_uri: auth.redirectUri, code_verifier: auth.verifier });
  expect(status).toBe(200);
  await browser.get("/account");
  return body as { access_token: string; refresh_token: string };
}

function codeFrom(browser: Browser): string {
  if (!browser.leftTo) throw new Error(`identity did not send the browser back (at ${browser.url}, ${browser.status})`);
  return new URL(browser.leftTo).searchParams.get("code")!;
}

const refresh = (refreshToken: string) => tokenEndpoint({ grant_type: "refresh_token", refresh_token: refreshToken });

/** records' answer to a teacher's token, once it is `status` (revocation reaches records within its cache time). */
async function recordsStatusWithin(accessToken: string, status: number, withinMs = 10_000): Promise<number> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await fetch(`${served.urls.records}/v3/teacher`, { headers: { authorization: `Bearer ${accessToken}` } });
    await response.body?.cancel();
    if (response.status === status || Date.now() > deadline) return response.status;
    await Bun.sleep(100);
  }
}

/** True while the browser's identity session signs it in with no questions (prompt=none gets a code). */
async function identitySessionWorks(browser: Browser): Promise<boolean> {
  const { url } = authorizationUrl(system, { extra: { prompt: "none" } });
  const response = await browser.request(url);
  const location = new URL(response.headers.get("location") ?? "about:blank");
  if (location.searchParams.get("error") === "login_required") return false;
  if (location.searchParams.get("code")) return true;
  throw new Error(`unexpected answer from /authorize: ${response.status} ${location}`);
}

/** Changes the email address through the pages, reading the code from the new inbox. */
async function changeEmailTo(browser: Browser, newEmail: string) {
  await browser.post("/account/email", { email: newEmail });
  expect(browser.url).toBe(`${served.urls.identity}/account/email/code`);
  await browser.post("/account/email/code", { code: await devMailboxCode(served.dataDir, "email", newEmail) });
}

describe("your account", () => {
  test("not signed in, /account signs in with an email code and comes back to /account, showing the record read from records", async () => {
    const { teacher } = await signedInTeacher();
    const browser = new Browser(served.urls.identity);
    await browser.get("/account");
    expect(browser.url).toBe(`${served.urls.identity}/sign-in?started=1`);
    expect(browser.html).toContain("Enter your email address");
    await browser.post("/sign-in", { email: teacher.email });
    await browser.post("/sign-in/code", { code: await devMailboxCode(served.dataDir, "email", teacher.email) });
    expect(browser.url).toBe(`${served.urls.identity}/account`);
    const text = mainText(browser.html);
    expect(text).toContain(`Email address ${teacher.email}`);
    expect(text).toContain("Mobile number 07700 900123");
    expect(text).toContain(`Name ${teacher.firstName} ${teacher.middleName} ${teacher.lastName}`);
    expect(text).toContain("Date of birth 17 August 1993");
    expect(text).toContain(`Teacher reference number (TRN) ${teacher.trn}`);
    // The page title is shared (history, synced tabs): no address in it.
    expect(/<title>([^<]*)<\/title>/.exec(browser.html)![1]).toBe("Your Teacher ID account - Teacher ID - GOV.UK");
  });

  test("access's header links to it, and it lists access with the last sign-in and a Remove access link", async () => {
    const { browser } = await signedInTeacher();
    await tokensFor(browser);
    const fromAccess = await fetch(`${served.urls.access}/account`, { redirect: "manual" });
    expect(fromAccess.headers.get("location")).toBe(`${served.urls.identity}/account`);
    expect(mainText(browser.html)).toMatch(/Access your teaching qualifications Last signed in (\d+(?::\d\d)?[ap]m|midday|midnight) on \d+ \w+ \d{4} \(UK time\) Remove access for Access your teaching qualifications/);
    expect(browser.html).toContain(`href="/account/services/${access.clientId}/remove"`);
  });

  test("change email: a code to the new address; once checked, the change; the old address gets a notice with no link; a masked event", async () => {
    const { teacher, accountId, browser } = await signedInTeacher();
    const newEmail = `priya.new.${teacher.trn}@example.com`;
    await browser.post("/account/email", { email: "not an email" });
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("Enter an email address in the correct format");
    expect(account(accountId)!.email).toBe(teacher.email);

    await changeEmailTo(browser, newEmail);
    expect(browser.url).toBe(`${served.urls.identity}/account?done=email`);
    expect(mainText(browser.html)).toContain(`Your email address has been changed`);
    expect(account(accountId)).toMatchObject({ email: newEmail, emailVerified: true });

    const [notice] = (await waitForEmails(teacher.email, 1)).filter((m) => m.subject === "Your Teacher ID email address was changed");
    expect(notice.text).not.toMatch(/https?:\/\/|www\./);
    expect(notice.text).not.toContain(newEmail);
    expect(notice.text).toContain("If this was not you");
    const [event] = eventsAbout(seed.identityDb, accountId);
    expect(event).toMatchObject({ type: "UserUpdated", actor: `account:${accountId}`, subject: accountId });
    expect(JSON.stringify(event.payload)).not.toContain(newEmail);
    expect(JSON.stringify(event.payload)).not.toContain(teacher.email);
    expect(event.payload).toEqual({ changes: { email: { old: expect.stringMatching(/\*{4}/), new: expect.stringMatching(/\*{4}/) } } });

    // The new address signs in; the old one no longer does.
    const fresh = new Browser(served.urls.identity);
    await fresh.get("/account");
    await fresh.post("/sign-in", { email: newEmail });
    await fresh.post("/sign-in/code", { code: await devMailboxCode(served.dataDir, "email", newEmail) });
    expect(fresh.url).toBe(`${served.urls.identity}/account`);
  });

  test("a school or university address asks 'are you sure' first; 'No' changes nothing and sends nothing", async () => {
    const { teacher, accountId, browser } = await signedInTeacher();
    const schoolEmail = `p.${teacher.trn}@stmarys.sch.uk`;
    await browser.post("/account/email", { email: schoolEmail });
    expect(browser.url).toBe(`${served.urls.identity}/account/email/school`);
    expect(mainText(browser.html)).toContain("Are you sure you want to use a school or university email address?");
    await browser.post("/account/email/school", {});
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("Select yes if you want to use this email address");
    await browser.post("/account/email/school", { confirm: "no" });
    expect(browser.url).toBe(`${served.urls.identity}/account/email`);
    expect(emailsTo(schoolEmail)).toEqual([]);
    expect(account(accountId)!.email).toBe(teacher.email);

    await browser.post("/account/email", { email: schoolEmail });
    await browser.post("/account/email/school", { confirm: "yes" });
    expect(browser.url).toBe(`${served.urls.identity}/account/email/code`);
    await browser.post("/account/email/code", { code: await devMailboxCode(served.dataDir, "email", schoolEmail) });
    expect(account(accountId)!.email).toBe(schoolEmail);
  });

  test("change mobile with a text message code, then remove it; each a masked event", async () => {
    const { accountId, browser } = await signedInTeacher();
    await browser.post("/account/mobile", { phone: "0121 496 0000" });
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("Enter a mobile number, not a landline");
    await browser.post("/account/mobile", { phone: "07911 123987" });
    expect(browser.url).toBe(`${served.urls.identity}/account/mobile/code`);
    await browser.post("/account/mobile/code", { code: "12345" });
    expect(browser.html).toContain("Enter the security code in the correct format");
    const first = await devMailboxCode(served.dataDir, "sms", "+447911123987");
    await browser.post("/account/mobile/resend");
    expect(browser.url).toBe(`${served.urls.identity}/account/mobile/code?resent=1`);
    const second = await devMailboxCode(served.dataDir, "sms", "+447911123987", first);
    // A new code retires the old one.
    await browser.post("/account/mobile/code", { code: first });
    expect(browser.html).toContain("The security code is incorrect");
    await browser.post("/account/mobile/code", { code: second });
    expect(browser.url).toBe(`${served.urls.identity}/account?done=mobile`);
    expect(account(accountId)).toMatchObject({ phoneNumber: "+447911123987", phoneNumberVerified: true });

    await browser.post("/account/mobile/remove");
    expect(browser.url).toBe(`${served.urls.identity}/account?done=mobile-removed`);
    expect(mainText(browser.html)).toContain("Mobile number Not given");
    expect(account(accountId)).toMatchObject({ phoneNumber: null, phoneNumberVerified: false });
    expect(eventsAbout(seed.identityDb, accountId).map((e) => e.payload)).toEqual([
      { changes: { phone_number: { old: "+44*******123", new: "+44*******987" } } },
      { changes: { phone_number: { old: "+44*******987", new: null } } },
    ]);
  });

  test("change preferred name: a name on the record or another, with registration's rules", async () => {
    const { teacher, accountId, browser } = await signedInTeacher();
    await browser.get("/account/preferred-name");
    expect(mainText(browser.html)).toContain(`${teacher.firstName} ${teacher.middleName} ${teacher.lastName}`);
    await browser.post("/account/preferred-name", { choice: "other", otherName: "<script>" });
    expect(browser.status).toBe(400);
    expect(browser.html).toContain("Name must only include letters, spaces, hyphens and apostrophes");
    await browser.post("/account/preferred-name", { choice: "other", otherName: "  Pri   V " });
    expect(browser.url).toBe(`${served.urls.identity}/account?done=preferred-name`);
    expect(account(accountId)!.preferredName).toBe("Pri V");
    await browser.post("/account/preferred-name", { choice: "1" });
    expect(account(accountId)!.preferredName).toBe(`${teacher.firstName} ${teacher.middleName} ${teacher.lastName}`);
  });

  test("remove access revokes that client's grants and refresh tokens; records refuses its tokens", async () => {
    const { accountId, browser } = await signedInTeacher();
    const tokens = await tokensFor(browser);
    await browser.get(`/account/services/${access.clientId}/remove`);
    expect(mainText(browser.html)).toContain("Remove access for Access your teaching qualifications?");
    await browser.post(`/account/services/${access.clientId}/remove`);
    expect(browser.url).toBe(`${served.urls.identity}/account?done=access-removed&client=${access.clientId}`);
    expect(mainText(browser.html)).toContain("You have removed access for Access your teaching qualifications");
    expect(mainText(browser.html)).toContain("No services can use your Teacher ID account at the moment");
    expect((await refresh(tokens.refresh_token)).body.error).toBe("invalid_grant");
    expect(await recordsStatusWithin(tokens.access_token, 401)).toBe(401);
    expect(seed.identityDb.select().from(grants).where(eq(grants.accountId, accountId)).all().every((g) => g.revokedAt !== null)).toBe(true);
    // Removing access is not signing out of Teacher ID.
    expect(await identitySessionWorks(browser)).toBe(true);
  });

  test("sign out everywhere ends every identity session of the account and revokes every refresh token", async () => {
    const { accountId, browser } = await signedInTeacher();
    const here = await tokensFor(browser);
    // The same account signed in on another device.
    const elsewhere = new Browser(served.urls.identity);
    const [name, value] = createSession(seed.identityDb, accountId, { secure: false }).setCookie.split(";")[0].split("=");
    elsewhere.cookies.set(name, value);
    const there = await tokensFor(elsewhere);

    await browser.get("/account/sign-out-everywhere");
    await browser.post("/account/sign-out-everywhere");
    expect(browser.url).toBe(`${served.urls.identity}/account/signed-out-everywhere`);
    expect(mainText(browser.html)).toContain("You have signed out everywhere");
    expect(browser.cookies.has("identity_session")).toBe(false);
    expect(seed.identityDb.select().from(sessions).where(eq(sessions.accountId, accountId)).all()).toEqual([]);
    for (const tokens of [here, there]) {
      expect((await refresh(tokens.refresh_token)).body.error).toBe("invalid_grant");
      expect(await recordsStatusWithin(tokens.access_token, 401)).toBe(401);
    }
    expect(await identitySessionWorks(elsewhere)).toBe(false);
    expect(eventsAbout(seed.identityDb, accountId).at(-1)).toMatchObject({ type: "SignedOutEverywhere", payload: { sessionsEnded: 2, grantsRevoked: 2 } });
  });

  test("changing the email address or mobile needs a recent sign-in; after it, the teacher is back on the page", async () => {
    const { teacher, accountId, browser } = await signedInTeacher();
    seed.identityDb.update(sessions).set({ authTime: Date.now() - 2 * 3_600_000 }).where(eq(sessions.accountId, accountId)).run();
    await browser.get("/account");
    expect(browser.url).toBe(`${served.urls.identity}/account`);
    await browser.get("/account/mobile");
    expect(browser.url).toBe(`${served.urls.identity}/sign-in?started=1`);
    await browser.post("/sign-in", { email: teacher.email });
    await browser.post("/sign-in/code", { code: await devMailboxCode(served.dataDir, "email", teacher.email) });
    expect(browser.url).toBe(`${served.urls.identity}/account/mobile`);
    expect(mainText(browser.html)).toContain("What is your new mobile number?");
  });
});

describe("abuse", () => {
  test("code floods on the new address: today's per-address limit stops them, and one account cannot spray many addresses", async () => {
    const { teacher, accountId, browser } = await signedInTeacher();
    const target = `victim.${teacher.trn}@example.com`;
    for (let i = 0; i < sendLimitPerAddress; i++) {
      await browser.post(i === 0 ? "/account/email" : "/account/email/resend", i === 0 ? { email: target } : {});
      expect(browser.url).toStartWith(`${served.urls.identity}/account/email/code`);
    }
    await browser.post("/account/email/resend");
    expect(browser.status).toBe(429);
    expect(mainText(browser.html)).toContain("You have asked for too many security codes");
    await browser.post("/account/email", { email: target });
    expect(browser.status).toBe(429);
    expect(await waitForEmails(target, sendLimitPerAddress)).toHaveLength(sendLimitPerAddress);
    for (const message of emailsTo(target)) expect(message.text).not.toContain(teacher.email);

    // Many addresses: the account's own limit stops the spray.
    let refusedAt = -1;
    for (let i = 0; i < accountCodesPerWindow + 2 && refusedAt < 0; i++) {
      await browser.post("/account/email", { email: `spray${i}.${teacher.trn}@example.com` });
      if (browser.status === 429) refusedAt = i;
    }
    // The first loop's sends (and its refusals) counted against the account too.
    expect(refusedAt).toBeGreaterThan(0);
    expect(refusedAt).toBeLessThanOrEqual(accountCodesPerWindow);
    expect(emailsTo(`spray${refusedAt}.${teacher.trn}@example.com`)).toEqual([]);
    expect(account(accountId)!.email).toBe(teacher.email);
  });

  test("changing to another account's address: the code goes to that inbox; with it, the page says so, names nobody, and stops", async () => {
    const mine = await signedInTeacher();
    const theirs = await signedInTeacher();
    // The other account's address says nothing of its owner; its other details must not appear either.
    const theirEmail = `z.${mine.teacher.trn}@example.org`;
    seed.identityDb.update(accounts).set({ email: theirEmail, preferredName: "Zebedee Q", familyName: "Quill" }).where(eq(accounts.id, theirs.accountId)).run();
    const fresh = `unused.${mine.teacher.trn}@example.com`;

    // Until the code is entered, an address with an account looks like any other.
    await mine.browser.post("/account/email", { email: fresh });
    const freshPage = mainText(mine.browser.html).replace(fresh, "ADDRESS");
    await mine.browser.post("/account/email", { email: theirEmail });
    expect(mine.browser.url).toBe(`${served.urls.identity}/account/email/code`);
    expect(mainText(mine.browser.html).replace(theirEmail, "ADDRESS")).toBe(freshPage);

    // Only whoever reads that inbox has the code.
    await mine.browser.post("/account/email/code", { code: await devMailboxCode(served.dataDir, "email", theirEmail) });
    expect(mine.browser.status).toBe(409);
    const page = mainText(mine.browser.html);
    expect(page).toContain("This email address is already used by another account");
    expect(page).toContain("We have not changed your email address");
    for (const detail of ["Zebedee", "Quill", theirs.teacher.trn, theirs.accountId]) expect(page).not.toContain(detail);
    expect(account(mine.accountId)!.email).toBe(mine.teacher.email);
    expect(account(theirs.accountId)).toMatchObject({ email: theirEmail, preferredName: "Zebedee Q" });
    expect(eventsAbout(seed.identityDb, mine.accountId)).toEqual([]);
    expect((await waitForEmails(mine.teacher.email, 0)).filter((m) => m.subject?.includes("was changed"))).toEqual([]);
    // It stopped: the code page has nothing to confirm any more.
    await mine.browser.get("/account/email/code");
    expect(mine.browser.url).toBe(`${served.urls.identity}/account/email`);
  });

  test("a CSRF attempt on delete changes nothing: no token, a wrong one, another site, or JSON", async () => {
    const { teacher, accountId, browser } = await signedInTeacher();
    await browser.post("/account/delete");
    expect(browser.url).toBe(`${served.urls.identity}/account/delete/code`);
    const code = await devMailboxCode(served.dataDir, "email", teacher.email);
    const token = decodeURIComponent(browser.cookies.get("identity_csrf")!);
    const form = (fields: Record<string, string>) => ({ "content-type": "application/x-www-form-urlencoded", body: new URLSearchParams(fields).toString() });
    const attempts: { headers: Record<string, string>; body: string }[] = [
      { headers: { "content-type": "application/x-www-form-urlencoded" }, body: form({ code }).body },
      { headers: { "content-type": "application/x-www-form-urlencoded" }, body: form({ code, _csrf: "A".repeat(43) }).body },
      { headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example", "sec-fetch-site": "cross-site" }, body: form({ code, _csrf: token }).body },
      { headers: { "content-type": "application/json", origin: "https://evil.example" }, body: JSON.stringify({ code, _csrf: token }) },
    ];
    for (const attempt of attempts) {
      const response = await browser.request("/account/delete/code", { method: "POST", headers: attempt.headers, body: attempt.body });
      expect([403, 415]).toContain(response.status);
      expect(await response.text()).toContain("Nothing has been saved");
    }
    // Starting a deletion from another site sends no code either.
    const before = emailsTo(teacher.email).length;
    const started = await browser.request("/account/delete", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" }, body: form({ _csrf: token }).body });
    expect(started.status).toBe(403);
    expect((await waitForEmails(teacher.email, before)).length).toBe(before);

    expect(account(accountId)).toBeDefined();
    expect(seed.identityDb.select().from(deletedAccounts).where(eq(deletedAccounts.sub, accountId)).all()).toEqual([]);
    expect(await identitySessionWorks(browser)).toBe(true);
    // The teacher's own form, with the same code, still works.
    await browser.post("/account/delete/code", { code });
    expect(browser.url).toBe(`${served.urls.identity}/account/deleted`);
  });

  test("deleting, then reusing the old session: nothing works; the data is erased, the TRN free, records untouched", async () => {
    const { teacher, accountId, browser } = await signedInTeacher();
    const tokens = await tokensFor(browser);
    const oldCookies = new Map(browser.cookies);
    await browser.get("/account/delete");
    expect(mainText(browser.html)).toContain("Delete your Teacher ID account");
    await browser.post("/account/delete");
    await browser.post("/account/delete/resend");
    expect(browser.url).toBe(`${served.urls.identity}/account/delete/code?resent=1`);
    await browser.post("/account/delete/code", { code: "000000" });
    expect(browser.status).toBe(400);
    expect(account(accountId)).toBeDefined();
    await browser.post("/account/delete/code", { code: await devMailboxCode(served.dataDir, "email", teacher.email) });
    expect(browser.url).toBe(`${served.urls.identity}/account/deleted`);
    expect(mainText(browser.html)).toContain("Your Teacher ID account has been deleted");
    expect(mainText(browser.html)).toContain("that you want a new Teacher ID link");
    expect(browser.html).toContain('href="mailto:teacher-id-support@example.com"');

    const deletedAt = Date.now();
    // The old session cookie, replayed.
    const replay = new Browser(served.urls.identity);
    for (const [name, value] of oldCookies) replay.cookies.set(name, value);
    await replay.get("/account");
    expect(replay.url).toBe(`${served.urls.identity}/sign-in?started=1`);
    expect(replay.html).not.toContain(teacher.email);
    await replay.post("/account/preferred-name", { choice: "other", otherName: "Ghost" });
    expect(replay.url).toBe(`${served.urls.identity}/sign-in?started=1`);
    expect(await identitySessionWorks(replay)).toBe(false);
    expect((await refresh(tokens.refresh_token)).body.error).toBe("invalid_grant");
    expect(await recordsStatusWithin(tokens.access_token, 401)).toBe(401);
    const userinfo = await fetch(`${served.urls.identity}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    // Signing in with the old address finds no account.
    await replay.post("/sign-in", { email: teacher.email });
    await replay.post("/sign-in/code", { code: "123456" });
    expect(replay.url).toBe(`${served.urls.identity}/sign-in/code`);

    // Erased: nothing in identity names the teacher (but the code the sign-in above just wrote for an
    // address with no account, as every sign-in does); a tombstone keeps the sub and the time.
    const identityRows = JSON.stringify(
      ["accounts", "trn_tokens", "security_codes", "account_changes", "sessions"].map((table) =>
        seed.identityDb.$client.query(`SELECT * FROM ${table}`).all().filter((row) => !(table === "security_codes" && (row as { created_at: number }).created_at >= deletedAt)),
      ),
    );
    for (const detail of [teacher.email, teacher.trn, accountId]) expect(identityRows).not.toContain(detail);
    expect(seed.identityDb.select().from(deletedAccounts).where(eq(deletedAccounts.sub, accountId)).all()).toEqual([{ sub: accountId, deletedAt: expect.any(Number) }]);
    expect(seed.identityDb.select().from(events).where(eq(events.subject, accountId)).all().at(-1)).toMatchObject({ type: "UserDeleted" });
    // records' data is untouched.
    expect(seed.recordsDb.select().from(teachers).where(eq(teachers.trn, teacher.trn)).get()).toMatchObject({ email: teacher.email, firstName: teacher.firstName });

    // The TRN is free: a new link registers a new account, with a new sub.
    const link = await createTrnToken(system, { trn: teacher.trn, email: teacher.email });
    const again = new Browser(served.urls.identity);
    await again.get(authorizationUrl(system, { trnToken: link }).url);
    expect(again.url).toBe(`${served.urls.identity}/register?started=1`);
    expect(mainText(again.html)).toContain("Create a Teacher ID account");
  });

  test(`every account POST is rate-limited (${accountPostsPerWindow} per account per window)`, async () => {
    const { accountId, browser } = await signedInTeacher();
    const statuses: number[] = [];
    for (let i = 0; i <= accountPostsPerWindow; i++) {
      await browser.post("/account/preferred-name", { choice: "other", otherName: `Name ${i % 2 ? "A" : "B"}` });
      statuses.push(browser.status);
    }
    expect(statuses.slice(0, accountPostsPerWindow).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(mainText(browser.html)).toContain("You have made too many changes to your account");
    // The refused post changed nothing.
    expect(account(accountId)!.preferredName).toBe(`Name ${(accountPostsPerWindow - 1) % 2 ? "A" : "B"}`);
  });
});
