// access as an OpenID Connect relying party, against a tiny real issuer (test/helpers/access-test-issuer.ts) so
// that forged and mixed-up responses can be sent: each must be refused, with a clear page and no
// session. records is not running here, which also shows the friendly "records down" page.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256 } from "../../src/security/tokens";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { startUnreachableServer } from "../helpers/unreachable-server";
import { csrfFieldIn, HttpBrowser } from "../helpers/access-http-browser";
import { startTestIssuer, type IdTokenTamper, type TestIssuer } from "../helpers/access-test-issuer";

let issuer: TestIssuer;
let system: TestSystem;
let access: string;
const trnToken = "Zk3v9Q2xYt7LmN0pRsT4uVwX1yZa2Bc3De4Fg5Hi6Jk";

beforeAll(async () => {
  issuer = await startTestIssuer();
  system = await startTestSystem({
    only: ["access"],
    env: { IDENTITY_URL: issuer.url, ACCESS_CLIENT_ID: issuer.client.id, ACCESS_CLIENT_SECRET: issuer.client.secret },
  });
  access = system.urls.access;
  issuer.client.redirectUri = `${access}/sign-in/callback`;
});
afterAll(async () => {
  await system?.stop();
  issuer?.stop();
});

function resetIssuer() {
  issuer.behaviour.tamper = "none";
  issuer.behaviour.authorizeError = undefined;
  issuer.behaviour.responseIss = undefined;
}

/** Starts a sign-in and returns the callback URL identity would send the browser to, unvisited. */
async function callbackUrlFor(browser: HttpBrowser, start = `${access}/sign-in`): Promise<string> {
  const toIdentity = await browser.request(start);
  expect(toIdentity.status).toBe(302);
  const toAccess = await browser.request(toIdentity.headers.get("location")!);
  expect(toAccess.status).toBe(302);
  return toAccess.headers.get("location")!;
}

async function signedIn(): Promise<HttpBrowser> {
  const browser = new HttpBrowser();
  await browser.follow(`${access}/sign-in`);
  expect(browser.cookies.has("access_session")).toBe(true);
  return browser;
}

describe("the magic link: GET /register?trn_token=", () => {
  test("sends the teacher to identity's /authorize with the token intact, PKCE S256, state and nonce", async () => {
    resetIssuer();
    const browser = new HttpBrowser();
    const response = await browser.request(`${access}/register?trn_token=${trnToken}`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${issuer.url}/authorize`);
    const params = location.searchParams;
    expect(params.get("trn_token")).toBe(trnToken);
    expect(params.get("response_type")).toBe("code");
    expect(params.get("client_id")).toBe(issuer.client.id);
    expect(params.get("redirect_uri")).toBe(`${access}/sign-in/callback`);
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get("state")!.length).toBeGreaterThanOrEqual(22);
    expect(params.get("nonce")!.length).toBeGreaterThanOrEqual(22);
    expect(params.get("scope")!.split(" ").sort()).toEqual(["dqt:read", "email", "openid", "profile", "trn"]);
    // The link's address carries the token: it must not leak to identity or beyond as a Referer.
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const loginCookie = response.headers.getSetCookie().find((c) => c.startsWith("access_login="))!;
    expect(loginCookie).toContain("HttpOnly");
    expect(loginCookie).toContain("SameSite=Lax");
    // identity receives the same token.
    await browser.request(location.toString());
    expect(issuer.authorizeRequests.at(-1)!.get("trn_token")).toBe(trnToken);
  });

  test.each([
    ["missing", ""],
    ["empty", "?trn_token="],
    ["too short", "?trn_token=abc"],
    ["not base64url", `?trn_token=${encodeURIComponent("<script>alert(1)</script>aaaaaaaaaaaa")}`],
    ["absurdly long", `?trn_token=${"a".repeat(5000)}`],
    ["given twice", `?trn_token=${trnToken}&trn_token=${trnToken}`],
  ])("a %s token gets a clear page, not a redirect", async (_, query) => {
    const response = await fetch(`${access}/register${query}`, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    const html = await response.text();
    expect(html).toContain("This link is not valid");
    expect(html).not.toContain("<script>alert");
  });
});

describe("the sign-in callback", () => {
  test("after signing in at identity the teacher lands on their qualifications with a session", async () => {
    resetIssuer();
    const browser = new HttpBrowser();
    const { url, hops } = await browser.follow(`${access}/register?trn_token=${trnToken}`);
    expect(url).toBe(`${access}/qualifications`);
    const callback = hops.find((h) => h.url.startsWith(`${access}/sign-in/callback`))!;
    expect(callback.status).toBe(303);
    expect(callback.referrerPolicy).toBe("no-referrer"); // its address carries the code
    const session = [...browser.cookies.keys()];
    expect(session).toContain("access_session");
    // The code was exchanged with client authentication and the PKCE verifier.
    const tokenRequest = issuer.tokenRequests.at(-1)!;
    expect(tokenRequest.get("grant_type")).toBe("authorization_code");
    expect(tokenRequest.get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
  });

  test("a replayed callback is refused and the code is not exchanged again", async () => {
    resetIssuer();
    const browser = new HttpBrowser();
    const callback = await callbackUrlFor(browser);
    const first = await browser.request(callback);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/qualifications");
    const exchanges = issuer.tokenRequests.length;
    const replay = await browser.request(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("You have already used this sign-in link");
    expect(issuer.tokenRequests.length).toBe(exchanges);
  });

  test("the same callback sent twice at once signs in exactly once", async () => {
    resetIssuer();
    const browser = new HttpBrowser();
    const callback = await callbackUrlFor(browser);
    const exchanges = issuer.tokenRequests.length;
    const cookie = browser.cookieHeader();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => fetch(callback, { headers: { cookie }, redirect: "manual" })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([303, 400, 400, 400, 400]);
    expect(issuer.tokenRequests.length).toBe(exchanges + 1);
    for (const refused of responses.filter((r) => r.status === 400)) {
      expect(await refused.text()).toContain("You have already used this sign-in link");
      expect(refused.headers.getSetCookie().some((c) => c.startsWith("access_session="))).toBe(false);
    }
  });

  test("a replayed callback in another browser gets no session", async () => {
    resetIssuer();
    const victim = new HttpBrowser();
    const callback = await callbackUrlFor(victim);
    await victim.request(callback);
    const attacker = new HttpBrowser();
    const replay = await attacker.request(callback);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("We could not sign you in");
    expect(attacker.cookies.has("access_session")).toBe(false);
  });

  test("a wrong state is refused before any code is exchanged", async () => {
    resetIssuer();
    const browser = new HttpBrowser();
    const callback = new URL(await callbackUrlFor(browser));
    callback.searchParams.set("state", "x".repeat(43));
    const exchanges = issuer.tokenRequests.length;
    const response = await browser.request(callback.toString());
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("We could not sign you in");
    expect(browser.cookies.has("access_session")).toBe(false);
    expect(issuer.tokenRequests.length).toBe(exchanges);
  });

  test("a callback without state is refused", async () => {
    const browser = new HttpBrowser();
    const callback = new URL(await callbackUrlFor(browser));
    callback.searchParams.delete("state");
    const response = await browser.request(callback.toString());
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("We could not sign you in");
    expect(browser.cookies.has("access_session")).toBe(false);
  });

  test("a callback started in another browser (login CSRF) is refused", async () => {
    resetIssuer();
    const attacker = new HttpBrowser();
    const callback = await callbackUrlFor(attacker);
    const victim = new HttpBrowser();
    const exchanges = issuer.tokenRequests.length;
    const response = await victim.request(callback);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("We could not sign you in");
    expect(victim.cookies.has("access_session")).toBe(false);
    expect(issuer.tokenRequests.length).toBe(exchanges);
  });

  test.each([
    ["a wrong iss", "http://127.0.0.1:1"],
    ["no iss, though identity says it sends one", null],
  ])("%s in the authorization response is refused (RFC 9207)", async (_, iss) => {
    resetIssuer();
    issuer.behaviour.responseIss = iss;
    const browser = new HttpBrowser();
    const exchanges = issuer.tokenRequests.length;
    const { response } = await browser.follow(`${access}/sign-in`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("We could not sign you in");
    expect(browser.cookies.has("access_session")).toBe(false);
    expect(issuer.tokenRequests.length).toBe(exchanges);
    resetIssuer();
  });

  const tampers: [string, IdTokenTamper][] = [
    ["a forged payload under a real signature", "signature"],
    ["a token signed with another key", "other_key"],
    ["a wrong nonce", "wrong_nonce"],
    ["another client's audience", "wrong_audience"],
    ["two audiences and no azp naming access", "shared_audience"],
    ["an azp naming another client", "other_azp"],
    ["another issuer", "wrong_issuer"],
    ["an expired token", "expired"],
    ["an unsigned (alg none) token", "alg_none"],
  ];
  test.each(tampers)("an ID token with %s is refused and starts no session", async (_, tamper) => {
    resetIssuer();
    issuer.behaviour.tamper = tamper;
    const browser = new HttpBrowser();
    const { response, url } = await browser.follow(`${access}/sign-in`);
    expect(url.startsWith(`${access}/sign-in/callback`)).toBe(true);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("We could not sign you in");
    expect(browser.cookies.has("access_session")).toBe(false);
    const refusal = system.logs.filter((l) => l.event === "sign_in_refused").at(-1)!;
    expect(String(refusal.reason)).toStartWith("id_token:");
    resetIssuer();
  });

  test("access_denied from identity gives a clear page, not an error", async () => {
    resetIssuer();
    issuer.behaviour.authorizeError = "access_denied";
    const browser = new HttpBrowser();
    const { response } = await browser.follow(`${access}/sign-in`);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("You have not signed in");
    expect(html).toContain('href="/sign-in"');
    expect(html).not.toContain("select the link in the email");
    // Turned back after following the email's link: the page says how to try again.
    const fromLink = await new HttpBrowser().follow(`${access}/register?trn_token=${trnToken}`);
    expect(await fromLink.response.text()).toContain("select the link in the email we sent you again");
    resetIssuer();
  });

  test.each(["server_error", "temporarily_unavailable", "invalid_request"])(
    "any other error from identity (%s) gives a clear page and no session",
    async (error) => {
      resetIssuer();
      issuer.behaviour.authorizeError = error;
      const browser = new HttpBrowser();
      const { response, url } = await browser.follow(`${access}/sign-in`);
      expect(url).toStartWith(`${access}/sign-in/callback?`);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain("We could not sign you in");
      expect(html).toContain("Teacher ID could not complete your sign-in.");
      expect(html).not.toContain(error);
      expect(browser.cookies.has("access_session")).toBe(false);
      resetIssuer();
    },
  );

  test("after sign-in, return_to only ever leads to a page on access", async () => {
    resetIssuer();
    for (const target of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/qualifications?x=1"]) {
      const browser = new HttpBrowser();
      const { hops } = await browser.follow(`${access}/sign-in?return_to=${encodeURIComponent(target)}`);
      const callback = hops.find((h) => h.url.startsWith(`${access}/sign-in/callback`))!;
      expect(callback.location).toBe("/qualifications");
    }
  });
});

describe("sessions", () => {
  test("the session cookie is HttpOnly and SameSite=Lax, and access.sqlite holds no cookie value or token", async () => {
    resetIssuer();
    const browser = new HttpBrowser();
    const callback = await callbackUrlFor(browser);
    const response = await browser.request(callback);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("access_session="))!;
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const sessionId = browser.cookies.get("access_session")!;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    const db = new Database(join(system.dataDir, "access.sqlite"), { readonly: true });
    const rows = db.query("SELECT * FROM sessions").all() as Record<string, unknown>[];
    const dump = JSON.stringify(rows) + JSON.stringify(db.query("SELECT * FROM login_attempts").all());
    db.close();
    // The row is found by the id's hash; the id itself, the tokens and the teacher's name and TRN
    // (from the ID token) are nowhere in it.
    expect(rows.some((row) => row.id_hash === sha256(sessionId))).toBe(true);
    expect(dump).not.toContain(sessionId);
    // The test issuer's access tokens are "at-" + 32 hex digits ("at-" alone occurs by chance in
    // the sealed base64url text).
    expect(dump).not.toMatch(/at-[0-9a-f]{32}/);
    expect(dump).not.toContain("Jane Smith");
    expect(dump).not.toContain(issuer.behaviour.claims.trn as string);
    const wal = readdirSync(system.dataDir).filter((f) => f.startsWith("access.sqlite"));
    for (const file of wal) expect(readFileSync(join(system.dataDir, file)).includes(sessionId)).toBe(false);
  });

  test("'account created' is kept for the session only when access started a registration and identity says the account is new", async () => {
    const noticeFor = (sessionId: string) => {
      const db = new Database(join(system.dataDir, "access.sqlite"), { readonly: true });
      const row = db.query("SELECT account_created_notice AS notice FROM sessions WHERE id_hash = ?").get(sha256(sessionId)) as { notice: number };
      db.close();
      return row.notice === 1;
    };
    const signInVia = async (start: string, newAccount: boolean) => {
      resetIssuer();
      if (newAccount) issuer.behaviour.claims.new_account = true;
      else delete issuer.behaviour.claims.new_account;
      const browser = new HttpBrowser();
      await browser.follow(start);
      delete issuer.behaviour.claims.new_account;
      return noticeFor(browser.cookies.get("access_session")!);
    };
    // The magic link and "Create an account without a link", with an account identity has just made.
    expect(await signInVia(`${access}/register?trn_token=${trnToken}`, true)).toBe(true);
    expect(await signInVia(`${access}/create-account`, true)).toBe(true);
    // The same starts, but the account already existed (identity does not say new_account).
    expect(await signInVia(`${access}/register?trn_token=${trnToken}`, false)).toBe(false);
    expect(await signInVia(`${access}/create-account`, false)).toBe(false);
    // A normal sign-in never shows it, whatever the token says.
    expect(await signInVia(`${access}/sign-in`, true)).toBe(false);
  });

  test("a signed-out teacher asking for the certificate is sent to sign in, and comes back to it", async () => {
    resetIssuer();
    const browser = new HttpBrowser();
    const first = await browser.request(`${access}/qualifications/certificates/qts`);
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/sign-in?return_to=%2Fqualifications%2Fcertificates%2Fqts");
    expect(first.headers.get("content-type") ?? "").not.toContain("pdf");
    const { hops } = await browser.follow(`${access}/qualifications/certificates/qts`);
    const callback = hops.find((h) => h.url.startsWith(`${access}/sign-in/callback`))!;
    expect(callback.location).toBe("/qualifications/certificates/qts");
  });

  test("when the access token has expired the teacher signs in again and returns to the page", async () => {
    resetIssuer();
    const browser = await signedIn();
    const db = new Database(join(system.dataDir, "access.sqlite"));
    db.run("UPDATE sessions SET access_token_expires_at = 0");
    db.close();
    const response = await browser.request(`${access}/qualifications`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/sign-in?return_to=%2Fqualifications");
    const { hops } = await browser.follow(`${access}/qualifications`);
    expect(hops.find((h) => h.url.startsWith(`${access}/sign-in/callback`))!.location).toBe("/qualifications");
  });

  test("when the session has ended the teacher signs in again and returns to the page", async () => {
    resetIssuer();
    const browser = await signedIn();
    const db = new Database(join(system.dataDir, "access.sqlite"));
    db.run("UPDATE sessions SET expires_at = 0");
    db.close();
    const response = await browser.request(`${access}/qualifications/certificates/qts`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/sign-in?return_to=%2Fqualifications%2Fcertificates%2Fqts");
  });

  test("when records cannot be reached the teacher sees a friendly page and stays signed in", async () => {
    resetIssuer();
    const browser = await signedIn();
    const response = await browser.request(`${access}/qualifications`);
    expect(response.status).toBe(503);
    const html = await response.text();
    expect(html).toContain("Sorry, we cannot show your qualifications at the moment");
    expect(html).toContain("Sign out");
  });
});

describe("signing out", () => {
  test("the Sign out link signs out at identity and then at access, landing on 'You have signed out'", async () => {
    resetIssuer();
    const browser = await signedIn();
    const { response, hops, url } = await browser.follow(`${access}/sign-out`);
    expect(hops[0].status).toBe(303);
    const endSession = issuer.endSessionRequests.at(-1)!;
    expect(hops[1].url).toStartWith(`${issuer.url}/end-session?`);
    expect(endSession.get("post_logout_redirect_uri")).toBe(`${access}/signed-out`);
    // Not the ID token (it holds personal data): the client and the teacher's opaque sub.
    expect(endSession.has("id_token_hint")).toBe(false);
    expect(endSession.get("client_id")).toBe(issuer.client.id);
    expect(endSession.get("logout_hint")).toBe(issuer.behaviour.claims.sub as string);
    expect(url).toBe(`${access}/signed-out?state=${endSession.get("state")}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You have signed out");
    expect(browser.cookies.has("access_session")).toBe(false);
    const after = await browser.request(`${access}/qualifications`);
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toStartWith("/sign-in");
  });

  test("another site cannot sign a teacher out by linking to /signed-out", async () => {
    resetIssuer();
    const browser = await signedIn();
    for (const forged of [`${access}/signed-out`, `${access}/signed-out?state=${"A".repeat(43)}`]) {
      const response = await browser.request(forged);
      expect(response.status).toBe(200);
      // It asks instead, with a CSRF-protected form.
      expect(await response.text()).toContain('action="/sign-out"');
      expect(browser.cookies.has("access_session")).toBe(true);
      // Still signed in: the qualifications page is asked for (and says records is down), not sign-in.
      const qualifications = await browser.request(`${access}/qualifications`);
      expect(qualifications.status).toBe(503);
      expect(await qualifications.text()).toContain("Sorry, we cannot show your qualifications at the moment");
    }
  });

  test("the sign-out form needs its CSRF field; with it the session ends here and at identity", async () => {
    resetIssuer();
    const browser = await signedIn();
    const page = await browser.request(`${access}/signed-out`);
    const csrf = csrfFieldIn(await page.text());
    const before = issuer.endSessionRequests.length;
    const forged = await browser.submit(`${access}/sign-out`, {});
    expect(forged.response.status).toBe(403);
    expect(browser.cookies.has("access_session")).toBe(true);
    expect(issuer.endSessionRequests.length).toBe(before);

    const { response } = await browser.submit(`${access}/sign-out`, { _csrf: csrf });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You have signed out");
    expect(issuer.endSessionRequests.length).toBe(before + 1);
    expect(browser.cookies.has("access_session")).toBe(false);
  });

  test("a stolen session cookie is useless after sign-out", async () => {
    resetIssuer();
    const browser = await signedIn();
    const stolen = browser.cookies.get("access_session")!;
    await browser.follow(`${access}/sign-out`);
    const thief = new HttpBrowser();
    thief.cookies.set("access_session", stolen);
    const response = await thief.request(`${access}/qualifications/certificates/qts`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toStartWith("/sign-in");
  });
});

describe("when identity cannot be reached", () => {
  test("the magic link shows a page saying to try later, and does not crash", async () => {
    const identity = await startUnreachableServer();
    const down = await startTestSystem({
      only: ["access"],
      env: { IDENTITY_URL: identity.url, ACCESS_CLIENT_ID: "access-service", ACCESS_CLIENT_SECRET: "x".repeat(43) },
    });
    try {
      const response = await fetch(`${down.urls.access}/register?trn_token=${trnToken}`, { redirect: "manual" });
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("Sorry, you cannot sign in at the moment");
    } finally {
      await down.stop();
      await identity.close();
    }
  });
});

describe("when Teacher ID cannot be reached during sign-out", () => {
  test("access signs the teacher out of access only, says so, and says how to sign out of Teacher ID", async () => {
    // Its own identity (the tiny issuer) and access, so stopping identity spoils no other test.
    const identity = await startTestIssuer();
    const alone = await startTestSystem({
      only: ["access"],
      env: { IDENTITY_URL: identity.url, ACCESS_CLIENT_ID: identity.client.id, ACCESS_CLIENT_SECRET: identity.client.secret },
    });
    identity.client.redirectUri = `${alone.urls.access}/sign-in/callback`;
    let identityStopped = false;
    try {
      const browser = new HttpBrowser();
      expect((await browser.follow(`${alone.urls.access}/sign-in`)).url).toBe(`${alone.urls.access}/qualifications`);
      expect(browser.cookies.has("access_session")).toBe(true);
      // identity goes away; access still holds its discovery document (cached), so it must ask.
      identity.stop();
      identityStopped = true;
      const endSessionsBefore = identity.endSessionRequests.length;

      const asked = await browser.request(`${alone.urls.access}/sign-out`);
      expect(asked.status).toBe(200); // not a redirect to a page that will not load
      const askedText = await asked.text();
      expect(askedText).toContain("We cannot reach Teacher ID at the moment");
      expect(askedText).toContain("Sign out of Access your teaching qualifications");
      expect(browser.cookies.has("access_session")).toBe(true); // nothing ended by a GET

      const { response, url } = await browser.submit(`${alone.urls.access}/sign-out`, { _csrf: csrfFieldIn(askedText) });
      expect(url).toBe(`${alone.urls.access}/signed-out?teacher_id=not_reached`);
      expect(response.status).toBe(200);
      const text = (await response.text()).replace(/\s+/g, " ");
      expect(text).toContain("You have signed out of Access your teaching qualifications only.");
      expect(text).toContain("you are still signed in to your Teacher ID account on this device");
      // How to sign out of Teacher ID: its sign-out page, or closing the browser.
      expect(text).toContain(`href="${identity.url}/end-session"`);
      expect(text).toContain("close every window of your browser");
      expect(text).not.toContain("signed out of Access your teaching qualifications and your Teacher ID account");
      expect(browser.cookies.has("access_session")).toBe(false);
      expect(identity.endSessionRequests.length).toBe(endSessionsBefore);
      const after = await browser.request(`${alone.urls.access}/qualifications`);
      expect(after.status).toBe(302);
    } finally {
      await alone.stop();
      if (!identityStopped) identity.stop();
    }
  });
});
