// identity as an OAuth server for machines: discovery, JWKS, client credentials, and the bearer
// token checks every API relies on (src/auth/verify-access-token.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as oidc from "openid-client";
import { and, eq, isNull } from "drizzle-orm";
import { SignJWT, base64url, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify } from "jose";
import { signingKeys } from "../../src/identity/db/schema";
import { developmentPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { createAccessTokenVerifier } from "../../src/auth/verify-access-token";
import { basicAuth, clientCredentialsToken, startIdentity, type IdentityUnderTest } from "../helpers/identity-helpers";

let identity: IdentityUnderTest;
let secret: string;
const clientId = "awarding-test";

beforeAll(async () => {
  identity = await startIdentity({ env: { RECORDS_URL: "https://records.example" } });
  secret = identity.addClient({
    clientId,
    name: "Awarding test",
    grantTypes: ["client_credentials"],
    scopes: ["itt_outcome:write", "trn_token:write"],
  });
});
afterAll(() => identity.stop());

const tokenRequest = (body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${identity.issuer}/token`, { method: "POST", headers, body: new URLSearchParams(body) });

describe("discovery and keys", () => {
  test("the discovery document names this issuer and its endpoints", async () => {
    const response = await fetch(`${identity.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document.issuer).toBe(identity.issuer);
    expect(document.token_endpoint).toBe(`${identity.issuer}/token`);
    expect(document.jwks_uri).toBe(`${identity.issuer}/.well-known/jwks.json`);
    expect(document.code_challenge_methods_supported).toEqual(["S256"]);
    expect(document.response_types_supported).toEqual(["code"]);
    expect(document.authorization_response_iss_parameter_supported).toBe(true);
  });

  test("the JWKS publishes an ES256 and an RS256 public key, kid = thumbprint, no private parts", async () => {
    const { keys } = (await (await fetch(`${identity.issuer}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
    expect(keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    for (const key of keys) {
      expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      for (const privatePart of ["d", "p", "q", "dp", "dq", "qi"]) expect(key[privatePart]).toBeUndefined();
    }
  });
});

describe("signing keys are never logged", () => {
  test("no private key part of any signing key appears in the log lines of start-up or token issuing", async () => {
    await clientCredentialsToken(identity.issuer, clientId, secret);
    const logs = JSON.stringify(identity.system.logs);
    expect(identity.system.logs.length).toBeGreaterThan(0);
    const keys = identity.db.select().from(signingKeys).all();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    const vault = await unlockKeyVault(identity.db, developmentPassphrase);
    for (const key of keys) {
      const jwk = (await vault.decryptPrivateJwk(key.kid, key.privateJwk)) as Record<string, string>;
      for (const part of ["d", "p", "q", "dp", "dq", "qi"].filter((p) => jwk[p])) expect(logs.includes(jwk[part])).toBe(false);
    }
  });
});

describe("client credentials", () => {
  test("openid-client gets a token with client_secret_basic; it is an RFC 9068 JWT", async () => {
    const config = await oidc.discovery(new URL(identity.issuer), clientId, secret, oidc.ClientSecretBasic(secret), {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.clientCredentialsGrant(config, { scope: "itt_outcome:write" });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.expires_in).toBe(900);
    const header = decodeProtectedHeader(tokens.access_token);
    expect(header).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    const jwks = createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: identity.issuer, typ: "at+jwt" });
    expect(payload).toMatchObject({ sub: clientId, client_id: clientId, scope: "itt_outcome:write" });
    // Records accepts itt_outcome:write tokens, so records is in the audience.
    expect(payload.aud).toEqual([identity.issuer, "https://records.example"]);
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(typeof payload.jti).toBe("string");
    expect(payload.trn).toBeUndefined();
  });

  test("client_secret_post works too; a token for identity alone has only identity in aud", async () => {
    const response = await tokenRequest({ grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope: "trn_token:write" });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe("trn_token:write");
    expect(decodeJwt(body.access_token).aud).toEqual([identity.issuer]);
  });

  test("no scope asked for: the client gets all of its scopes", async () => {
    const body = (await (await tokenRequest({ grant_type: "client_credentials" }, { authorization: basicAuth(clientId, secret) })).json()) as {
      scope: string;
    };
    expect(body.scope.split(" ").sort()).toEqual(["itt_outcome:write", "trn_token:write"]);
  });

  test("a wrong secret is invalid_client, 401, with WWW-Authenticate", async () => {
    const response = await tokenRequest({ grant_type: "client_credentials" }, { authorization: basicAuth(clientId, secret + "x") });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Basic");
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });

  test("an unknown client gets the same answer as a wrong secret", async () => {
    const response = await tokenRequest({ grant_type: "client_credentials", client_id: "nobody", client_secret: secret });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });

  test("no client authentication at all is invalid_client", async () => {
    const response = await tokenRequest({ grant_type: "client_credentials", client_id: clientId });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });

  test("a scope the client may not have is invalid_scope", async () => {
    const response = await tokenRequest(
      { grant_type: "client_credentials", scope: "itt_outcome:write teachers:read" },
      { authorization: basicAuth(clientId, secret) },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_scope" });
  });

  test("an unknown grant type is unsupported_grant_type; a grant the client lacks is unauthorized_client", async () => {
    const unknown = await tokenRequest({ grant_type: "password" }, { authorization: basicAuth(clientId, secret) });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: "unsupported_grant_type" });
    const notAllowed = await tokenRequest({ grant_type: "authorization_code", code: "x" }, { authorization: basicAuth(clientId, secret) });
    expect(notAllowed.status).toBe(400);
    expect(await notAllowed.json()).toMatchObject({ error: "unauthorized_client" });
  });

  test("a repeated parameter or a JSON body is invalid_request", async () => {
    const repeated = await fetch(`${identity.issuer}/token`, {
      method: "POST",
      headers: { authorization: basicAuth(clientId, secret), "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=trn_token:write&scope=itt_outcome:write",
    });
    expect(repeated.status).toBe(400);
    expect(await repeated.json()).toMatchObject({ error: "invalid_request" });
    const json = await fetch(`${identity.issuer}/token`, {
      method: "POST",
      headers: { authorization: basicAuth(clientId, secret), "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
  });
});

describe("verifying bearer tokens (createAccessTokenVerifier)", () => {
  const verifier = () =>
    createAccessTokenVerifier({
      issuer: identity.issuer,
      audience: "https://records.example",
      jwksUrl: `${identity.issuer}/.well-known/jwks.json`,
    });

  test("a valid token with the scope gives its claims", async () => {
    const token = await clientCredentialsToken(identity.issuer, clientId, secret, "itt_outcome:write");
    const claims = await verifier().verify(`Bearer ${token}`, "itt_outcome:write");
    expect(claims).not.toBeInstanceOf(Response);
    expect(claims).toMatchObject({ client_id: clientId, scope: "itt_outcome:write" });
  });

  test("missing token: 401 with a Bearer challenge", async () => {
    const result = await verifier().verify(null, "itt_outcome:write");
    expect(result).toBeInstanceOf(Response);
    const response = result as Response;
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toStartWith("Bearer");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  test("a token without the scope: 403 insufficient_scope", async () => {
    const token = await clientCredentialsToken(identity.issuer, clientId, secret, "itt_outcome:write");
    const result = (await verifier().verify(`Bearer ${token}`, "teachers:read")) as Response;
    expect(result.status).toBe(403);
    expect(result.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  test("a token for another audience is refused", async () => {
    const token = await clientCredentialsToken(identity.issuer, clientId, secret, "trn_token:write");
    const result = (await verifier().verify(`Bearer ${token}`, "trn_token:write")) as Response;
    expect(result.status).toBe(401);
    expect(result.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  test("tampered, alg:none, foreign-key, wrong typ and expired tokens are 401 invalid_token", async () => {
    const token = await clientCredentialsToken(identity.issuer, clientId, secret, "itt_outcome:write");
    const [header, payload, signature] = token.split(".");
    const claims = decodeJwt(token);
    const forged = base64url.encode(JSON.stringify({ ...claims, scope: "itt_outcome:write teachers:read" }));
    const tampered = `${header}.${forged}.${signature}`;
    const none = `${base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${payload}.`;
    const { privateKey } = await generateKeyPair("ES256");
    const kid = decodeProtectedHeader(token).kid!;
    const foreign = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt" }).sign(privateKey);
    const check = verifier();
    for (const bad of [tampered, none, foreign, "not-a-jwt"]) {
      const result = (await check.verify(`Bearer ${bad}`, "itt_outcome:write")) as Response;
      expect(result.status).toBe(401);
      expect(result.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
    // Signed with identity's real key (read from its database), but expired or not an access token.
    const row = identity.db.select().from(signingKeys).where(and(eq(signingKeys.alg, "ES256"), isNull(signingKeys.retiredAt))).get()!;
    const vault = await unlockKeyVault(identity.db, developmentPassphrase);
    const realKey = await importJWK(await vault.decryptPrivateJwk(row.kid, row.privateJwk), "ES256");
    const now = Math.floor(Date.now() / 1000);
    const signReal = (typ: string, exp: number) =>
      new SignJWT({ ...claims, iat: now - 3600, exp }).setProtectedHeader({ alg: "ES256", kid: row.kid, typ }).sign(realKey);
    const control = await signReal("at+jwt", now + 600);
    expect(await check.verify(`Bearer ${control}`, "itt_outcome:write")).not.toBeInstanceOf(Response);
    const expired = (await check.verify(`Bearer ${await signReal("at+jwt", now - 60)}`, "itt_outcome:write")) as Response;
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { detail: string }).detail).toContain("expired");
    const idTokenShaped = (await check.verify(`Bearer ${await signReal("JWT", now + 600)}`, "itt_outcome:write")) as Response;
    expect(idTokenShaped.status).toBe(401);
    expect(((await idTokenShaped.json()) as { detail: string }).detail).toBe("The access token is not valid.");
  });
});
