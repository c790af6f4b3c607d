// Issue 11, items 7 and 10, attacked through the built binary (dist/teacher-id serve) over HTTP.
// Item 7: revocation reaches records (its GET /v3/teacher refuses a revoked grant's access token
// within seconds) and signing out of identity revokes that session's grants and refresh tokens.
// Item 10: no personal data in the URLs a teacher's browser carries to identity's /end-session,
// and the nginx example logs no query strings.
// Teachers and accounts are put in the databases directly (as an import and an earlier sign-in
// would); everything under attack goes over HTTP.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { loadServeConfig } from "../../src/cli/configuration";
import { internalClientCredentials, type ClientCredentials } from "../../src/config/internal-clients";
import { HttpBrowser } from "../helpers/access-http-browser";
import { hiddenFields, seeding, type SeedTeacher, type Seeding } from "../helpers/access-seed";
import { Browser, authorizationUrl, devMailboxCode, type Authorization } from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import type { TestSystem } from "../helpers/system";

let served: ServedBinary;
let seed: Seeding;
/** What the identity-journey helpers read: URLs and the provisioned client credentials. */
let system: TestSystem;
let access: ClientCredentials;
let nextTrn = 4100001;

beforeAll(async () => {
  served = await serveBinary();
  seed = seeding(served.dataDir);
  system = { urls: served.urls, config: Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services)), dataDir: served.dataDir } as TestSystem;
  access = internalClientCredentials(system.config, "access");
});
afterAll(async () => {
  seed?.close();
  await served?.stop();
});

/** A teacher in records with a Teacher ID account; returns the teacher and the cookie of a session signed in to it. */
function teacherSignedIn(): { teacher: SeedTeacher; sessionCookie: string } {
  const trn = String(nextTrn++);
  const teacher: SeedTeacher = {
    trn,
    firstName: "Priya",
    lastName: "Venkataraman",
    dateOfBirth: "1993-08-17",
    email: `priya.${trn}@example.com`,
    qtsDate: "2026-07-01",
  };
  seed.teacher(teacher);
  return { teacher, sessionCookie: seed.signedInAtIdentity(teacher) };
}

function identityBrowser(sessionCookie?: string): Browser {
  const browser = new Browser(served.urls.identity);
  if (sessionCookie) {
    const [name, value] = sessionCookie.split("=");
    browser.cookies.set(name, value);
  }
  return browser;
}

const basic = (c: ClientCredentials) =>
  `Basic ${Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64")}`;

interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; id_token?: string; error?: string };
}

async function tokenEndpoint(params: Record<string, string>): Promise<TokenAnswer> {
  const response = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: { authorization: basic(access), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as TokenAnswer["body"] };
}

/** The code identity sent the browser back to access with. */
function codeFrom(browser: Browser, auth: Authorization): string {
  if (!browser.leftTo) throw new Error(`identity did not send the browser back (at ${browser.url}, ${browser.status})`);
  const back = new URL(browser.leftTo);
  expect(back.searchParams.get("state")).toBe(auth.state);
  return back.searchParams.get("code")!;
}

const redeem = (code: string, auth: Authorization) =>
  tokenEndpoint({ grant_type: "authorization_code", code, redirect_uri: auth.redirectUri, code_verifier: auth.verifier });

/** Access's tokens for a browser already signed in at identity (/authorize answers at once with a code). */
async function tokensFor(browser: Browser): Promise<{ access_token: string; refresh_token: string }> {
  const { url, auth } = authorizationUrl(system);
  await browser.get(url);
  const { status, body } = await redeem(codeFrom(browser, auth), auth);
  expect(status).toBe(200);
  return body as { access_token: string; refresh_token: string };
}

const refresh = (refreshToken: string) => tokenEndpoint({ grant_type: "refresh_token", refresh_token: refreshToken });

async function teacherRecord(accessToken: string): Promise<{ status: number; body: Record<string, unknown>; challenge: string | null }> {
  const response = await fetch(`${served.urls.records}/v3/teacher`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get("www-authenticate") };
}

/**
 * records' answer to the token once it is `status`, asking every 100 ms for at most `withinMs`
 * (revocation reaches records within its cache time, 5 s by default); the last answer otherwise.
 */
async function recordsAnswersWithin(accessToken: string, status: number, withinMs = 10_000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const answer = await teacherRecord(accessToken);
    if (answer.status === status || Date.now() > deadline) return answer;
    await Bun.sleep(100);
  }
}

function expectRevokedAtRecords(answer: Awaited<ReturnType<typeof teacherRecord>>) {
  expect(answer.status).toBe(401);
  expect(answer.challenge).toContain('error="invalid_token"');
  expect(answer.body).toMatchObject({ status: 401, detail: "The access token has been revoked." });
  expect(answer.body.trn).toBeUndefined();
}

async function userinfoStatus(accessToken: string): Promise<number> {
  return (await fetch(`${served.urls.identity}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
}

describe("item 7: revocation reaches records", () => {
  test("item 7: a revoked grant's access token is refused by records within seconds", async () => {
    const { teacher, sessionCookie } = teacherSignedIn();
    const tokens = await tokensFor(identityBrowser(sessionCookie));
    const before = await teacherRecord(tokens.access_token);
    expect(before.status).toBe(200);
    expect(before.body.trn).toBe(teacher.trn);

    const revoked = await fetch(`${served.urls.identity}/revoke`, {
      method: "POST",
      headers: { authorization: basic(access), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.refresh_token, token_type_hint: "refresh_token" }),
    });
    expect(revoked.status).toBe(200);

    expectRevokedAtRecords(await recordsAnswersWithin(tokens.access_token, 401));
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
    expect((await refresh(tokens.refresh_token)).body.error).toBe("invalid_grant");
  });

  test("item 7: after a reused authorization code, records refuses the access token it issued within seconds", async () => {
    const { teacher, sessionCookie } = teacherSignedIn();
    const browser = identityBrowser(sessionCookie);
    const { url, auth } = authorizationUrl(system);
    await browser.get(url);
    const code = codeFrom(browser, auth);
    const first = await redeem(code, auth);
    expect(first.status).toBe(200);
    const before = await teacherRecord(first.body.access_token!);
    expect(before.status).toBe(200);
    expect(before.body.trn).toBe(teacher.trn);

    // The code replayed (stolen from a log or history): refused, and what it issued is revoked.
    const replay = await redeem(code, auth);
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    expectRevokedAtRecords(await recordsAnswersWithin(first.body.access_token!, 401));
    expect((await refresh(first.body.refresh_token!)).body.error).toBe("invalid_grant");
  });

  test("item 7: signing out at /end-session revokes that session's refresh tokens, and records refuses its access tokens", async () => {
    const { teacher, sessionCookie: otherDevice } = teacherSignedIn();

    // This browser signs in with an emailed code (the journey issues the first grant) ...
    const browser = identityBrowser();
    const { url, auth } = authorizationUrl(system);
    await browser.get(url);
    expect(browser.url).toBe(`${served.urls.identity}/sign-in?started=1`);
    await browser.post("/sign-in", { email: teacher.email });
    expect(browser.url).toEndWith("/sign-in/code");
    await browser.post("/sign-in/code", { code: await devMailboxCode(served.dataDir, "email", teacher.email) });
    const signedIn = await redeem(codeFrom(browser, auth), auth);
    expect(signedIn.status).toBe(200);
    // ... and, still signed in, gets a second grant straight from /authorize.
    const again = await tokensFor(browser);
    // The same teacher on another device.
    const elsewhere = await tokensFor(identityBrowser(otherDevice));

    // Before: every token works, and a refresh token rotates.
    const rotated = await refresh(signedIn.body.refresh_token!);
    expect(rotated.status).toBe(200);
    for (const token of [signedIn.body.access_token!, rotated.body.access_token!, again.access_token, elsewhere.access_token]) {
      expect((await teacherRecord(token)).body.trn).toBe(teacher.trn);
    }

    // Sign out, as the confirmation page's form does.
    await browser.get(`/end-session?client_id=${access.clientId}`);
    expect(browser.html).toContain("Sign out of Teacher ID");
    await browser.post("/end-session", hiddenFields(browser.html));
    expect(browser.html).toContain("You have signed out");

    // Both grants made in that session are revoked: refresh tokens are refused at /token ...
    for (const refreshToken of [rotated.body.refresh_token!, again.refresh_token]) {
      expect(await refresh(refreshToken)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    }
    // ... and records refuses their access tokens within seconds.
    for (const token of [signedIn.body.access_token!, rotated.body.access_token!, again.access_token]) {
      expectRevokedAtRecords(await recordsAnswersWithin(token, 401));
    }
    // The other device's session was not signed out: its tokens still work.
    expect((await teacherRecord(elsewhere.access_token)).body.trn).toBe(teacher.trn);
    expect((await refresh(elsewhere.refresh_token)).status).toBe(200);
  });

  test("item 7: machine tokens are still checked by signature alone (records never asks identity about them)", async () => {
    const { teacher } = teacherSignedIn();
    const identityClient = internalClientCredentials(system.config, "identity");
    const response = await fetch(`${served.urls.identity}/token`, {
      method: "POST",
      headers: { authorization: basic(identityClient), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "teachers:read" }),
    });
    const { access_token } = (await response.json()) as { access_token: string };
    const introspectionsBefore = served.logs().filter((l) => l.event === "request" && l.path === "/introspect").length;
    for (let i = 0; i < 3; i++) {
      const record = await fetch(`${served.urls.records}/v2/teachers/${teacher.trn}?birthdate=${teacher.dateOfBirth}`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(record.status).toBe(200);
      expect(((await record.json()) as { trn: string }).trn).toBe(teacher.trn);
    }
    expect(served.logs().filter((l) => l.event === "request" && l.path === "/introspect").length).toBe(introspectionsBefore);
  });

  test("item 7: /introspect answers only clients allowed to ask", async () => {
    const { sessionCookie } = teacherSignedIn();
    const tokens = await tokensFor(identityBrowser(sessionCookie));
    const ask = (credentials: ClientCredentials | undefined) =>
      fetch(`${served.urls.identity}/introspect`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...(credentials ? { authorization: basic(credentials) } : {}) },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
    const anonymous = await ask(undefined);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: "invalid_client" });
    // access is a client, but not a resource server: it may not ask about anyone's token.
    const notAllowed = await ask(access);
    expect(notAllowed.status).toBe(400);
    expect(await notAllowed.json()).toMatchObject({ error: "unauthorized_client" });
    const records = await ask(internalClientCredentials(system.config, "records"));
    expect(await records.json()).toMatchObject({ active: true, client_id: access.clientId, grant_id: decodeJwt(tokens.access_token).grant_id });
  });
});

describe("item 10: personal data travels in URLs", () => {
  test("item 10: the redirect access sends to identity's /end-session carries no personal data", async () => {
    const { teacher, sessionCookie } = teacherSignedIn();
    const browser = new HttpBrowser();
    const [name, value] = sessionCookie.split("=");
    browser.cookies.set(name, value);
    const signedIn = await browser.follow(`${served.urls.access}/sign-in`);
    expect(signedIn.url).toBe(`${served.urls.access}/qualifications`);
    expect(await signedIn.response.text()).toContain(teacher.trn);

    const signOut = await browser.request(`${served.urls.access}/sign-out`);
    expect(signOut.status).toBe(303);
    const location = new URL(signOut.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${served.urls.identity}/end-session`);
    const personal = [teacher.email, teacher.email.split("@")[0], teacher.trn, teacher.dateOfBirth, teacher.firstName, teacher.lastName];
    const whole = decodeURIComponent(location.toString()).toLowerCase();
    for (const value of personal) expect(whole).not.toContain(value.toLowerCase());
    // No JWT (an ID token as id_token_hint) in any parameter, whatever its payload.
    for (const [param, value] of location.searchParams) {
      expect({ param, looksLikeJwt: /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value) }).toEqual({ param, looksLikeJwt: false });
    }
    expect(location.searchParams.has("id_token_hint")).toBe(false);
    expect(location.searchParams.get("client_id")).toBe(access.clientId);

    // identity takes it: it asks to confirm, signs out, and sends the teacher back to access.
    const confirm = await browser.follow(location.toString());
    const page = await confirm.response.text();
    expect(page).toContain("Sign out of Teacher ID");
    const done = await browser.submit(`${served.urls.identity}/end-session`, hiddenFields(page));
    expect(done.url).toStartWith(`${served.urls.access}/signed-out`);
    expect(await done.response.text()).toContain("You have signed out");
    expect(browser.cookies.has("access_session")).toBe(false);
    expect(browser.cookies.has("identity_session")).toBe(false);
  });

  test("item 10: identity's /end-session takes client_id + logout_hint; a hint naming someone else signs nobody out", async () => {
    const { sessionCookie } = teacherSignedIn();
    const browser = identityBrowser(sessionCookie);
    const sub = decodeJwt((await tokensFor(browser)).access_token).sub!;
    const endSession = (logoutHint: string) =>
      `/end-session?${new URLSearchParams({
        client_id: access.clientId,
        logout_hint: logoutHint,
        post_logout_redirect_uri: `${served.urls.access}/signed-out`,
        state: "s-1",
      })}`;

    // access's user is no longer the one signed in here: straight back, and this user stays signed in.
    await browser.get(endSession(crypto.randomUUID()));
    expect(browser.leftTo).toBe(`${served.urls.access}/signed-out?state=s-1`);
    await tokensFor(browser);

    // The user signed in here: the confirmation page, which signs them out.
    await browser.get(endSession(sub));
    expect(browser.html).toContain("Sign out of Teacher ID");
    await browser.post("/end-session", hiddenFields(browser.html));
    expect(browser.leftTo).toBe(`${served.urls.access}/signed-out?state=s-1`);
    await browser.get(authorizationUrl(system).url);
    expect(browser.url).toBe(`${served.urls.identity}/sign-in?started=1`);
  });

  test("item 10: the nginx example logs no query string for /register, /authorize and /end-session", () => {
    const operations = readFileSync(join(import.meta.dir, "../../docs/OPERATIONS.md"), "utf8");
    const nginx = [...operations.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]).join("\n");
    expect(nginx).not.toBe("");
    const formats = new Map([...nginx.matchAll(/log_format\s+(\S+)\s+((?:'[^']*'\s*)+);/g)].map((m) => [m[1], m[2]]));
    const accessLogs = [...nginx.matchAll(/^\s*access_log\s+([^;]+);/gm)].map((m) => m[1].trim().split(/\s+/));
    // Every server logs, and every access_log names a format defined here (not nginx's `combined`,
    // whose $request is the whole request line, query string included).
    expect(accessLogs.length).toBeGreaterThan(0);
    for (const [path, format] of accessLogs) {
      if (path === "off") continue;
      expect(formats.has(format)).toBe(true);
      const text = formats.get(format)!;
      expect(text).toContain("$uri");
      for (const leaky of ["$request_uri", "$query_string", "$args", "$arg_", "$request ", "$request\"", "$request'", "$request_body"]) {
        expect({ format, leaky, found: text.includes(leaky) }).toEqual({ format, leaky, found: false });
      }
    }
    // Each server block that proxies logs with one of those formats, so /register, /authorize and
    // /end-session (and every other path) are logged without their query strings.
    const servers = nginx.split(/^server\s*\{/m).slice(1).filter((block) => block.includes("proxy_pass"));
    expect(servers.length).toBeGreaterThan(0);
    for (const server of servers) expect(server).toMatch(/^\s*access_log\s+\S+\s+\S+;/m);
  });
});
