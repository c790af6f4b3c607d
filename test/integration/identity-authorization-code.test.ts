// The authorization code flow as a relying party sees it, driven by openid-client: discovery,
// PKCE + nonce, token, ID token against the JWKS, userinfo; and every way it must refuse.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { base64url, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { authorizationCodes, authorizationRequests } from "../../src/identity/db/schema";
import { readPendingAuthorizationRequest } from "../../src/identity/oidc/authorize";
import { completeWithAccount } from "../../src/identity/oidc/hand-off";
import { createSession } from "../../src/identity/sessions/session";
import { sha256 } from "../../src/security/tokens";
import { Browser, devMailboxCode } from "../helpers/identity-journey";
import { basicAuth, clientCredentialsToken, startIdentity, type IdentityUnderTest } from "../helpers/identity-helpers";

let identity: IdentityUnderTest;
let config: oidc.Configuration;
let secret: string;
const clientId = "rp-test";
const redirectUri = "http://127.0.0.1:9/sign-in/callback";
const postLogoutRedirectUri = "http://127.0.0.1:9/signed-out";
/** Everything secret this file was given, to look for in identity's database files at the end. */
const secrets = new Set<string>();

beforeAll(async () => {
  identity = await startIdentity({ env: { RECORDS_URL: "https://records.example" } });
  secret = identity.addClient({
    clientId,
    name: "Access your teaching qualifications",
    grantTypes: ["authorization_code", "refresh_token"],
    scopes: ["openid", "email", "phone", "profile", "trn", "dqt:read"],
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [postLogoutRedirectUri],
  });
  secrets.add(secret);
  config = await oidc.discovery(new URL(identity.issuer), clientId, secret, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
  });
});
afterAll(() => identity.stop());

interface Started {
  location: URL;
  verifier: string;
  nonce: string;
  state: string;
  response: Response;
}

/** GET /authorize as the browser would, returning where identity sends it. */
async function startAuthorization(options: { cookie?: string; params?: Record<string, string>; omit?: string[] } = {}): Promise<Started> {
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const params: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: "openid email phone profile trn",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    nonce,
    state,
    ...options.params,
  };
  for (const name of options.omit ?? []) delete params[name];
  const url = oidc.buildAuthorizationUrl(config, params);
  for (const name of options.omit ?? []) url.searchParams.delete(name);
  const response = await fetch(url, { redirect: "manual", headers: options.cookie ? { cookie: options.cookie } : {} });
  const location = new URL(response.headers.get("location") ?? "about:blank", identity.issuer);
  const code = location.searchParams.get("code");
  if (code) secrets.add(code);
  return { location, verifier, nonce, state, response };
}

async function signedInTokens(scope?: string) {
  const account = identity.addAccount();
  const cookie = identity.signIn(account.id);
  secrets.add(decodeURIComponent(cookie.split("=")[1]));
  const started = await startAuthorization({ cookie, params: scope ? { scope } : {} });
  const tokens = await oidc.authorizationCodeGrant(config, started.location, {
    pkceCodeVerifier: started.verifier,
    expectedNonce: started.nonce,
    expectedState: started.state,
    idTokenExpected: true,
  });
  if (tokens.refresh_token) secrets.add(tokens.refresh_token);
  return { account, cookie, started, tokens };
}

/** /userinfo with a bearer token: its status, JSON body (if any) and WWW-Authenticate. */
async function userinfoFor(accessToken: string, method: "GET" | "POST" = "GET") {
  const response = await fetch(`${identity.issuer}/userinfo`, { method, headers: { authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined, wwwAuthenticate: response.headers.get("www-authenticate") ?? "" };
}

const tokenRequest = (body: Record<string, string>) =>
  fetch(`${identity.issuer}/token`, { method: "POST", headers: { authorization: basicAuth(clientId, secret) }, body: new URLSearchParams(body) });

describe("the happy path, through openid-client", () => {
  test("openid-client drives the sign-in pages: discovery, code + PKCE + nonce, token, ID token checked against the JWKS, userinfo", async () => {
    const account = identity.addAccount();
    // Signature checks on every JWT the client receives, with the keys from the discovered jwks_uri.
    const strict = await oidc.discovery(new URL(identity.issuer), clientId, secret, oidc.ClientSecretBasic(secret), {
      execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(strict, {
      redirect_uri: redirectUri,
      scope: "openid email phone profile trn",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      nonce,
      state,
    });

    // The browser: /authorize sends it to the sign-in pages, which it fills in as a person would.
    const browser = new Browser(identity.issuer);
    await browser.get(url.toString());
    expect(browser.url).toBe(`${identity.issuer}/sign-in?started=1`);
    await browser.post("/sign-in", { email: account.email });
    expect(browser.url).toBe(`${identity.issuer}/sign-in/code`);
    secrets.add(decodeURIComponent(browser.cookies.get("identity_journey")!));
    const code = await devMailboxCode(identity.system.dataDir, "email", account.email);
    secrets.add(code);
    await browser.post("/sign-in/code", { code });
    expect(browser.leftTo).toStartWith(`${redirectUri}?`);
    for (const cookie of ["identity_session", "identity_csrf"]) secrets.add(decodeURIComponent(browser.cookies.get(cookie)!));

    const callback = new URL(browser.leftTo!);
    secrets.add(callback.searchParams.get("code")!);
    const tokens = await oidc.authorizationCodeGrant(strict, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    secrets.add(tokens.access_token);
    if (tokens.refresh_token) secrets.add(tokens.refresh_token);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: identity.issuer, aud: clientId, sub: account.id, nonce, email: account.email, trn: account.trn! });
    expect(claims.auth_time).toBeGreaterThan(0);
    const userinfo = await oidc.fetchUserInfo(strict, tokens.access_token, account.id);
    expect(userinfo).toMatchObject({ sub: account.id, email: account.email, phone_number: account.phoneNumber!, trn: account.trn! });

    // The same ID token with one changed byte in its signature is refused by the client.
    const [h, p, s] = tokens.id_token!.split(".");
    const tampered = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
    await expect(jwtVerify(tampered, createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`)))).rejects.toThrow();
  });

  test("a signed-in browser gets a code at once; the tokens, ID token and userinfo carry the account's claims", async () => {
    const { account, started, tokens } = await signedInTokens();
    expect(started.response.status).toBe(303);
    expect(started.location.origin + started.location.pathname).toBe(redirectUri);
    expect(started.location.searchParams.get("iss")).toBe(identity.issuer);
    expect(started.location.searchParams.get("state")).toBe(started.state);

    // The ID token verifies against the published JWKS.
    const jwks = createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: identity.issuer, audience: clientId });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toMatchObject({
      sub: account.id,
      nonce: started.nonce,
      email: account.email,
      email_verified: true,
      phone_number: "+447700900123",
      phone_number_verified: true,
      given_name: "Jane",
      family_name: "Doe",
      name: "Jane Doe",
      preferred_name: "Jane",
      birthdate: "1990-01-31",
      trn: account.trn!,
    });
    expect(typeof payload.auth_time).toBe("number");
    expect(tokens.claims()!.sub).toBe(account.id);

    // The access token: RFC 9068, for identity only (no records scope asked), with the TRN.
    const access = decodeJwt(tokens.access_token);
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe("at+jwt");
    expect(access).toMatchObject({ sub: account.id, client_id: clientId, trn: account.trn!, aud: [identity.issuer] });
    expect(typeof access.grant_id).toBe("string");

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, account.id);
    expect(userinfo).toMatchObject({ sub: account.id, email: account.email, trn: account.trn!, family_name: "Doe" });
  });

  test("scopes limit the claims; dqt:read adds records to the audience and the TRN", async () => {
    const { account, tokens } = await signedInTokens("openid email dqt:read");
    const idToken = decodeJwt(tokens.id_token!);
    expect(idToken.email).toBe(account.email);
    expect(idToken.family_name).toBeUndefined();
    expect(idToken.phone_number).toBeUndefined();
    expect(idToken.trn).toBe(account.trn!);
    expect(decodeJwt(tokens.access_token).aud).toEqual([identity.issuer, "https://records.example"]);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, account.id);
    expect(Object.keys(userinfo).sort()).toEqual(["email", "email_verified", "sub", "trn", "trn_lookup_status"]);
  });

  test("without trn or dqt:read, neither token nor userinfo carries the TRN; an account without a TRN gets none with trn", async () => {
    const { tokens } = await signedInTokens("openid email");
    expect(decodeJwt(tokens.id_token!).trn).toBeUndefined();
    expect(decodeJwt(tokens.access_token).trn).toBeUndefined();
    expect(decodeJwt(tokens.access_token).scope).toBe("openid email");

    const noTrn = identity.addAccount({ trn: null });
    const started = await startAuthorization({ cookie: identity.signIn(noTrn.id), params: { scope: "openid trn" } });
    const withScope = await oidc.authorizationCodeGrant(config, started.location, {
      pkceCodeVerifier: started.verifier,
      expectedNonce: started.nonce,
      expectedState: started.state,
    });
    expect(decodeJwt(withScope.id_token!).trn).toBeUndefined();
    expect(decodeJwt(withScope.access_token)).toMatchObject({ sub: noTrn.id, scope: "openid trn" });
    expect(decodeJwt(withScope.access_token).trn).toBeUndefined();
  });

  test("refresh tokens rotate; presenting a rotated one revokes the grant", async () => {
    const { account, tokens } = await signedInTokens();
    const first = tokens.refresh_token!;
    const refreshed = await oidc.refreshTokenGrant(config, first);
    secrets.add(refreshed.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(first);
    expect(decodeJwt(refreshed.access_token).sub).toBe(account.id);
    expect(await userinfoFor(refreshed.access_token)).toMatchObject({ status: 200, body: { sub: account.id } });
    // The old one again: refused, and the whole grant dies with it.
    const reuse = await tokenRequest({ grant_type: "refresh_token", refresh_token: first });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: "invalid_grant" });
    const next = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshed.refresh_token! });
    expect(await next.json()).toMatchObject({ error: "invalid_grant" });
    const userinfo = await userinfoFor(refreshed.access_token);
    expect(userinfo.status).toBe(401);
    expect(userinfo.wwwAuthenticate).toContain('error="invalid_token"');
  });

  test("revoking a refresh token stops it and the grant's access tokens at /userinfo", async () => {
    const { account, tokens } = await signedInTokens();
    // Both worked before: a refresh (which rotates it) and /userinfo.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    secrets.add(refreshed.refresh_token!);
    expect(decodeJwt(refreshed.access_token).sub).toBe(account.id);
    expect(await userinfoFor(refreshed.access_token, "POST")).toMatchObject({ status: 200, body: { sub: account.id } });

    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    const refresh = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshed.refresh_token! });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
    // Every access token of the grant stops, the first one too.
    for (const accessToken of [refreshed.access_token, tokens.access_token]) {
      const userinfo = await userinfoFor(accessToken, "POST");
      expect(userinfo.status).toBe(401);
      expect(userinfo.wwwAuthenticate).toContain('error="invalid_token"');
    }
  });
});

describe("a client registered for RS256 ID tokens", () => {
  test("gets RS256 ID tokens that verify against the JWKS; access tokens stay ES256", async () => {
    const rsSecret = identity.addClient({
      clientId: "rs-client",
      name: "RS",
      grantTypes: ["authorization_code"],
      scopes: ["openid", "email"],
      redirectUris: [redirectUri],
      idTokenSignedResponseAlg: "RS256",
    });
    const rsConfig = await oidc.discovery(new URL(identity.issuer), "rs-client", { id_token_signed_response_alg: "RS256" }, oidc.ClientSecretPost(rsSecret), {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(rsConfig, {
      redirect_uri: redirectUri,
      scope: "openid email",
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      nonce,
    });
    const account = identity.addAccount();
    const response = await fetch(url, { redirect: "manual", headers: { cookie: identity.signIn(account.id) } });
    const tokens = await oidc.authorizationCodeGrant(rsConfig, new URL(response.headers.get("location")!), {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
    });
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe("RS256");
    expect(decodeProtectedHeader(tokens.access_token).alg).toBe("ES256");
    const jwks = createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: identity.issuer, audience: "rs-client", algorithms: ["RS256"] });
    expect(payload).toMatchObject({ sub: account.id, email: account.email, nonce });
  });
});

describe("when the user must sign in or register (the hand-off to the journeys)", () => {
  test("no session: 303 to /interaction/{id}; the stored request holds only the trn_token's hash", async () => {
    const trnToken = base64url.encode(crypto.getRandomValues(new Uint8Array(32)));
    secrets.add(trnToken);
    const started = await startAuthorization({ params: { trn_token: trnToken } });
    expect(started.response.status).toBe(303);
    const match = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(started.location.pathname);
    expect(match).not.toBeNull();
    const pending = readPendingAuthorizationRequest(identity.db, match![1])!;
    expect(pending).toMatchObject({ clientId, clientName: "Access your teaching qualifications", trnTokenHash: sha256(trnToken) });
    expect(pending.scopes).toEqual(["openid", "email", "phone", "profile", "trn"]);

    // The journey signs someone in and hands back: the code works, exactly once.
    const account = identity.addAccount();
    const session = createSession(identity.db, account.id, { secure: false }).session;
    const location = new URL(completeWithAccount(identity.db, { requestId: match![1], accountId: account.id, session }));
    secrets.add(location.searchParams.get("code")!);
    expect(location.searchParams.get("iss")).toBe(identity.issuer);
    expect(() => completeWithAccount(identity.db, { requestId: match![1], accountId: account.id, session })).toThrow();
    expect(readPendingAuthorizationRequest(identity.db, match![1])).toBeNull();
    const tokens = await oidc.authorizationCodeGrant(config, location, {
      pkceCodeVerifier: started.verifier,
      expectedNonce: started.nonce,
      expectedState: started.state,
    });
    expect(tokens.claims()!.sub).toBe(account.id);
  });

  test("a session still goes to the journey with a trn_token, prompt=login, or an older sign-in than max_age", async () => {
    const account = identity.addAccount();
    const cookie = identity.signIn(account.id, Date.now() - 10 * 60_000);
    const cases: Record<string, string>[] = [{ trn_token: "abc" }, { prompt: "login" }, { max_age: "60" }];
    for (const params of cases) {
      const { location } = await startAuthorization({ cookie, params });
      expect(location.pathname).toStartWith("/interaction/");
    }
    const recentEnough = await startAuthorization({ cookie, params: { max_age: "3600" } });
    expect(recentEnough.location.searchParams.get("code")).toBeTruthy();
  });

  test("prompt=none without a session: login_required at the redirect URI", async () => {
    const { location, state } = await startAuthorization({ params: { prompt: "none" } });
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get("error")).toBe("login_required");
    expect(location.searchParams.get("state")).toBe(state);
    expect(location.searchParams.get("iss")).toBe(identity.issuer);
  });

  test("prompt=none with a sign-in older than max_age: login_required; with a trn_token: interaction_required", async () => {
    const account = identity.addAccount();
    const cookie = identity.signIn(account.id, Date.now() - 10 * 60_000);
    const old = await startAuthorization({ cookie, params: { prompt: "none", max_age: "60" } });
    expect(old.location.searchParams.get("error")).toBe("login_required");
    const withToken = await startAuthorization({ cookie, params: { prompt: "none", trn_token: "abc" } });
    expect(withToken.location.searchParams.get("error")).toBe("interaction_required");
    const silent = await startAuthorization({ cookie, params: { prompt: "none" } });
    expect(silent.location.searchParams.get("code")).toBeTruthy();
  });
});

describe("refusals at /authorize", () => {
  test("an unregistered redirect URI: an error page, never a redirect", async () => {
    for (const bad of ["http://127.0.0.1:9/sign-in/callback/", "https://evil.example/callback", "http://127.0.0.1:9/sign-in/callback?x=1"]) {
      const { response } = await startAuthorization({ params: { redirect_uri: bad } });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      const page = await response.text();
      expect(page).toContain("There is a problem with the link you followed");
      expect(page).not.toContain("evil.example");
    }
  });

  test("an unknown client: an error page, never a redirect", async () => {
    const url = new URL(`${identity.issuer}/authorize`);
    url.search = new URLSearchParams({ client_id: "nobody", redirect_uri: redirectUri, response_type: "code", scope: "openid" }).toString();
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("not registered with Teacher ID");
  });

  test("missing PKCE and a PKCE downgrade to plain: invalid_request, with state and iss", async () => {
    const account = identity.addAccount();
    const cookie = identity.signIn(account.id);
    const missing = await startAuthorization({ cookie, omit: ["code_challenge", "code_challenge_method"] });
    expect(missing.location.searchParams.get("error")).toBe("invalid_request");
    expect(missing.location.searchParams.get("error_description")).toContain("code_challenge");
    expect(missing.location.searchParams.get("state")).toBe(missing.state);
    expect(missing.location.searchParams.get("iss")).toBe(identity.issuer);
    expect(missing.location.searchParams.get("code")).toBeNull();
    const plain = await startAuthorization({ cookie, params: { code_challenge_method: "plain", code_challenge: "a".repeat(43) } });
    expect(plain.location.searchParams.get("error")).toBe("invalid_request");
    expect(plain.location.searchParams.get("error_description")).toContain("S256");
    const noMethod = await startAuthorization({ cookie, omit: ["code_challenge_method"] });
    expect(noMethod.location.searchParams.get("error")).toBe("invalid_request");
  });

  test("a scope the client may not have: invalid_scope; response_type other than code: unsupported_response_type", async () => {
    const scope = await startAuthorization({ params: { scope: "openid itt_outcome:write" } });
    expect(scope.location.searchParams.get("error")).toBe("invalid_scope");
    const token = await startAuthorization({ params: { response_type: "token" } });
    expect(token.location.searchParams.get("error")).toBe("unsupported_response_type");
  });
});

describe("refusals at /token", () => {
  test("a wrong PKCE verifier: invalid_grant", async () => {
    const account = identity.addAccount();
    const started = await startAuthorization({ cookie: identity.signIn(account.id) });
    const response = await tokenRequest({
      grant_type: "authorization_code",
      code: started.location.searchParams.get("code")!,
      redirect_uri: redirectUri,
      code_verifier: oidc.randomPKCECodeVerifier(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_grant", error_description: "code_verifier does not match the code_challenge." });
  });

  test("a reused code fails, and the tokens first issued for it stop working at /userinfo", async () => {
    const { started, tokens } = await signedInTokens();
    const ok = await fetch(`${identity.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(ok.status).toBe(200);
    const again = await tokenRequest({
      grant_type: "authorization_code",
      code: started.location.searchParams.get("code")!,
      redirect_uri: redirectUri,
      code_verifier: started.verifier,
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant", error_description: "The authorization code has already been used." });
    const revoked = await fetch(`${identity.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const refresh = await tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token! });
    expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
  });

  test("a code redeemed by several requests at once gives tokens to exactly one", async () => {
    const account = identity.addAccount();
    const started = await startAuthorization({ cookie: identity.signIn(account.id) });
    const body = {
      grant_type: "authorization_code",
      code: started.location.searchParams.get("code")!,
      redirect_uri: redirectUri,
      code_verifier: started.verifier,
    };
    const replies = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const response = await tokenRequest(body);
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      }),
    );
    const winners = replies.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(decodeJwt(winners[0].body.access_token as string).sub).toBe(account.id);
    secrets.add(winners[0].body.refresh_token as string);
    const losers = replies.filter((r) => r.status !== 200);
    expect(losers).toHaveLength(7);
    for (const loser of losers) {
      expect(loser.status).toBe(400);
      expect(loser.body).toMatchObject({ error: "invalid_grant" });
      expect(loser.body.access_token).toBeUndefined();
    }
  });

  test("an expired code: invalid_grant", async () => {
    const account = identity.addAccount();
    const started = await startAuthorization({ cookie: identity.signIn(account.id) });
    const code = started.location.searchParams.get("code")!;
    // Codes live 60 s; move this one's expiry into the past rather than wait.
    identity.db.update(authorizationCodes).set({ expiresAt: Date.now() - 1 }).where(eq(authorizationCodes.codeHash, sha256(code))).run();
    const response = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: started.verifier });
    expect(await response.json()).toEqual({ error: "invalid_grant", error_description: "The authorization code has expired." });
  });

  test("a code redeemed with another redirect URI or by another client: invalid_grant", async () => {
    const account = identity.addAccount();
    const started = await startAuthorization({ cookie: identity.signIn(account.id) });
    const code = started.location.searchParams.get("code")!;
    const response = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: redirectUri + "x", code_verifier: started.verifier });
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
    const other = await startAuthorization({ cookie: identity.signIn(account.id) });
    const otherSecret = identity.addClient({
      clientId: "other-rp",
      name: "Other",
      grantTypes: ["authorization_code"],
      scopes: ["openid"],
      redirectUris: [redirectUri],
    });
    const stolen = await fetch(`${identity.issuer}/token`, {
      method: "POST",
      headers: { authorization: basicAuth("other-rp", otherSecret) },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: other.location.searchParams.get("code")!,
        redirect_uri: redirectUri,
        code_verifier: other.verifier,
      }),
    });
    expect(await stolen.json()).toMatchObject({ error: "invalid_grant" });
  });

  test("a wrong client secret: invalid_client", async () => {
    const response = await fetch(`${identity.issuer}/token`, {
      method: "POST",
      headers: { authorization: basicAuth(clientId, "wrong") },
      body: new URLSearchParams({ grant_type: "authorization_code", code: "x", redirect_uri: redirectUri, code_verifier: "y" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("/userinfo refuses bad bearer tokens", () => {
  test("missing, tampered, alg:none and client-credentials tokens", async () => {
    const { tokens } = await signedInTokens();
    const [header, , signature] = tokens.access_token.split(".");
    const claims = decodeJwt(tokens.access_token);
    const otherUser = base64url.encode(JSON.stringify({ ...claims, sub: crypto.randomUUID() }));
    const none = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }));
    const machineSecret = identity.addClient({ clientId: "machine", name: "M", grantTypes: ["client_credentials"], scopes: ["teachers:read"] });
    const machine = await clientCredentialsToken(identity.issuer, "machine", machineSecret);
    const missing = await fetch(`${identity.issuer}/userinfo`);
    expect(missing.status).toBe(401);
    for (const bad of [`${header}.${otherUser}.${signature}`, `${none}.${otherUser}.`]) {
      const response = await fetch(`${identity.issuer}/userinfo`, { headers: { authorization: `Bearer ${bad}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
    const machineResponse = await userinfoFor(machine);
    expect(machineResponse.status).toBe(403);
    expect(machineResponse.wwwAuthenticate).toContain('error="insufficient_scope"');
    expect(machineResponse.body?.sub).toBeUndefined();
  });
});

describe("RP-initiated logout", () => {
  test("confirm page with a CSRF-protected form; signing out ends the session and returns with state", async () => {
    const { cookie, tokens } = await signedInTokens();
    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: postLogoutRedirectUri,
      state: "bye-123",
    });
    const page = await fetch(url, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Sign out of Teacher ID");
    const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith("identity_csrf="))!.split(";")[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    expect(html).toContain(`name="post_logout_redirect_uri" value="${postLogoutRedirectUri}"`);

    const form = new URLSearchParams({ _csrf: csrf, client_id: clientId, post_logout_redirect_uri: postLogoutRedirectUri, state: "bye-123" });
    const withoutCsrf = await fetch(`${identity.issuer}/end-session`, {
      method: "POST",
      headers: { cookie: `${cookie}; ${csrfCookie}` },
      body: new URLSearchParams({ client_id: clientId }),
      redirect: "manual",
    });
    expect(withoutCsrf.status).toBe(403);
    const signedOut = await fetch(`${identity.issuer}/end-session`, {
      method: "POST",
      headers: { cookie: `${cookie}; ${csrfCookie}` },
      body: form,
      redirect: "manual",
    });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe(`${postLogoutRedirectUri}?state=bye-123`);
    expect(signedOut.headers.getSetCookie().join()).toContain("identity_session=;");
    // The old session cookie no longer signs anyone in.
    const after = await startAuthorization({ cookie });
    expect(after.location.pathname).toStartWith("/interaction/");
  });

  test("an unregistered post_logout_redirect_uri: an error page, no redirect", async () => {
    const { cookie, tokens } = await signedInTokens();
    const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: "https://evil.example/" });
    const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    const page = await response.text();
    expect(page).toContain("There is a problem with the sign out link");
    expect(page).not.toContain("evil.example");
    // Nothing was signed out.
    expect((await startAuthorization({ cookie })).location.searchParams.get("code")).toBeTruthy();
  });
});

describe("secrets at rest", () => {
  test("no token, code, secret or session id given out appears in identity's SQLite files", async () => {
    const writerSecret = identity.addClient({ clientId: "writer", name: "W", grantTypes: ["client_credentials"], scopes: ["trn_token:write"] });
    secrets.add(writerSecret);
    const bearer = await clientCredentialsToken(identity.issuer, "writer", writerSecret);
    const issued = (await (
      await fetch(`${identity.issuer}/trn-tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ trn: "1234567", email: "t@example.com" }),
      })
    ).json()) as { trnToken: string };
    secrets.add(issued.trnToken);
    // A sent code's outbox row is redacted, but the WAL keeps the frame that had it until a
    // checkpoint resets the log (SQLite does this by itself every 1000 pages): look after one.
    identity.db.$client.run("PRAGMA wal_checkpoint(TRUNCATE)");
    const files = readdirSync(identity.system.dataDir).filter((f) => f.startsWith("identity.sqlite"));
    expect(files).toContain("identity.sqlite-wal");
    const contents = files.map((f) => readFileSync(join(identity.system.dataDir, f)).toString("latin1")).join("\n");
    expect(secrets.size).toBeGreaterThan(15);
    // A 6-digit code could occur by chance inside a hex hash or a decimal timestamp, so for codes
    // only a stand-alone occurrence (no hex digit either side) counts as the code being stored.
    const appears = (value: string) =>
      /^\d{6}$/.test(value) ? new RegExp(`(?<![0-9a-f])${value}(?![0-9a-f])`).test(contents) : contents.includes(value);
    expect([...secrets].filter(appears)).toEqual([]);
    // The control: the hashes are there, so the search would have found a plain value.
    expect(contents.includes(sha256(issued.trnToken))).toBe(true);
    expect(identity.db.select().from(authorizationRequests).all().every((r) => r.trnTokenHash === null || /^[0-9a-f]{64}$/.test(r.trnTokenHash))).toBe(true);
  });
});
