// identity's protocol building blocks, without HTTP: client rules, the audience rule, claims per
// scope, PKCE, signing keys and their rotation, and the purge of expired rows.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { createClient, findClient, newClientSchema, removeClient, rotateClientSecret, secretMatches } from "../../src/identity/clients/clients";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { otherConnectionsCheckMs } from "../../src/identity/db/other-connections";
import { authorizationCodes, authorizationRequests, grants, refreshTokens, signingKeys } from "../../src/identity/db/schema";
import { developmentPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { openSigningKeyStore as openStore, rotateSigningKeys as rotate } from "../../src/identity/keys/signing-keys";
import type { Account } from "../../src/identity/accounts/accounts";
import { claimsForScopes } from "../../src/identity/oidc/claims";
import { purgeExpiredProtocolRows } from "../../src/identity/oidc/cleanup";
import { accessTokenAudience, signAccessToken, signIdToken } from "../../src/identity/oidc/jwt-tokens";
import { pkceS256 } from "../../src/identity/oidc/token-endpoint";

const dirs: string[] = [];
const databases: IdentityDatabaseFile[] = [];
function freshDatabase(): IdentityDatabaseFile {
  const dir = mkdtempSync(join(tmpdir(), "identity-unit-"));
  dirs.push(dir);
  const db = openIdentityDatabase(dir);
  databases.push(db);
  return db;
}
// Each connection unlocks the keys as serve and `identity keys rotate` do.
const openSigningKeyStore = async (db: IdentityDatabaseFile) => openStore(db, await unlockKeyVault(db, developmentPassphrase));
const rotateSigningKeys = async (db: IdentityDatabaseFile, options: Parameters<typeof rotate>[2]) =>
  rotate(db, await unlockKeyVault(db, developmentPassphrase), options);
afterEach(() => {
  for (const db of databases.splice(0)) db.$client.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("client rules", () => {
  const base = { clientId: "svc", name: "Service", grantTypes: ["client_credentials"], scopes: ["itt_outcome:write"] };
  test("a machine client is valid; a browser client needs a redirect URI and openid", () => {
    expect(newClientSchema.safeParse(base).success).toBe(true);
    const browser = { ...base, grantTypes: ["authorization_code"], scopes: ["openid", "email"] };
    expect(newClientSchema.safeParse(browser).success).toBe(false);
    expect(newClientSchema.safeParse({ ...browser, redirectUris: ["https://rp.example/cb"] }).success).toBe(true);
    expect(newClientSchema.safeParse({ ...browser, scopes: ["email"], redirectUris: ["https://rp.example/cb"] }).success).toBe(false);
  });

  test("redirect URIs: https, or http on loopback only; no fragments", () => {
    const browser = { ...base, grantTypes: ["authorization_code"], scopes: ["openid"] };
    const ok = (uri: string) => newClientSchema.safeParse({ ...browser, redirectUris: [uri] }).success;
    expect(ok("https://rp.example/cb")).toBe(true);
    expect(ok("http://127.0.0.1:4002/sign-in/callback")).toBe(true);
    expect(ok("http://localhost:3000/cb")).toBe(true);
    expect(ok("http://rp.example/cb")).toBe(false);
    expect(ok("https://rp.example/cb#x")).toBe(false);
    expect(ok("/relative")).toBe(false);
    expect(ok("javascript:alert(1)")).toBe(false);
  });

  test("user scopes need the authorization code grant; unknown scopes and grants are refused", () => {
    expect(newClientSchema.safeParse({ ...base, scopes: ["openid"] }).success).toBe(false);
    expect(newClientSchema.safeParse({ ...base, scopes: ["admin"] }).success).toBe(false);
    expect(newClientSchema.safeParse({ ...base, grantTypes: ["password"] }).success).toBe(false);
    expect(newClientSchema.safeParse({ ...base, grantTypes: ["refresh_token"] }).success).toBe(false);
  });
});

describe("the audience rule", () => {
  const ctx = { issuer: "https://id.example", recordsUrl: "https://records.example" };
  test("records is in aud exactly when a scope records accepts is present", () => {
    expect(accessTokenAudience(ctx, ["trn_token:write"])).toEqual(["https://id.example"]);
    expect(accessTokenAudience(ctx, ["openid", "email", "trn"])).toEqual(["https://id.example"]);
    for (const scope of ["itt_outcome:write", "teachers:read", "dqt:read"]) {
      expect(accessTokenAudience(ctx, ["openid", scope])).toEqual(["https://id.example", "https://records.example"]);
    }
  });
});

describe("claims per scope", () => {
  const account: Account = {
    id: "a1",
    email: "jane@example.com",
    emailVerified: true,
    phoneNumber: null,
    phoneNumberVerified: false,
    givenName: "Jane",
    familyName: "Doe",
    preferredName: null,
    birthdate: "1990-01-31",
    trn: "1234567",
    createdAt: 0,
    updatedAt: 0,
    lastSignedInAt: null,
  };
  test("each scope adds its claims; absent values are left out", () => {
    expect(claimsForScopes(account, ["openid"])).toEqual({});
    expect(claimsForScopes(account, ["openid", "email"])).toEqual({ email: "jane@example.com", email_verified: true });
    expect(claimsForScopes(account, ["openid", "phone"])).toEqual({});
    expect(claimsForScopes(account, ["openid", "profile"])).toEqual({
      given_name: "Jane",
      family_name: "Doe",
      name: "Jane Doe",
      birthdate: "1990-01-31",
    });
    expect(claimsForScopes(account, ["openid", "trn"])).toEqual({ trn: "1234567" });
    expect(claimsForScopes(account, ["openid", "dqt:read"])).toEqual({ trn: "1234567" });
  });
});

describe("client lookups", () => {
  test("a client is kept in memory, yet a secret rotated or a client removed is seen: by this connection at once, from another within otherConnectionsCheckMs", async () => {
    const db = freshDatabase();
    const input = newClientSchema.parse({ clientId: "svc", name: "Service", grantTypes: ["client_credentials"], scopes: ["teachers:read"] });
    const { secret } = createClient(db, input);
    expect(secretMatches(findClient(db, "svc")!, secret)).toBe(true);
    expect(findClient(db, "svc")).toBe(findClient(db, "svc"));

    // As `identity clients rotate-secret` does it: its own connection to the same file.
    const operator = openIdentityDatabase(dirs[0]);
    const rotated = rotateClientSecret(operator, "svc")!;
    await Bun.sleep(otherConnectionsCheckMs + 1);
    expect(secretMatches(findClient(db, "svc")!, secret)).toBe(false);
    expect(secretMatches(findClient(db, "svc")!, rotated)).toBe(true);

    const again = rotateClientSecret(db, "svc")!;
    expect(secretMatches(findClient(db, "svc")!, rotated)).toBe(false);
    expect(secretMatches(findClient(db, "svc")!, again)).toBe(true);

    removeClient(operator, "svc");
    operator.$client.close();
    await Bun.sleep(otherConnectionsCheckMs + 1);
    expect(findClient(db, "svc")).toBeNull();
    createClient(db, input);
    expect(findClient(db, "svc")).not.toBeNull();
    removeClient(db, "svc");
    expect(findClient(db, "svc")).toBeNull();
  });
});

describe("PKCE", () => {
  test("S256 agrees with openid-client's challenge for the same verifier", async () => {
    for (let i = 0; i < 5; i++) {
      const verifier = oidc.randomPKCECodeVerifier();
      expect(pkceS256(verifier)).toBe(await oidc.calculatePKCECodeChallenge(verifier));
    }
  });
});

describe("signing keys", () => {
  test("first start makes one ES256 and one RS256 key; a second start reuses them", async () => {
    const db = freshDatabase();
    const store = await openSigningKeyStore(db);
    const first = (await store.jwks()).keys.map((k) => k.kid).sort();
    expect(first).toHaveLength(2);
    const again = await openSigningKeyStore(db);
    expect((await again.jwks()).keys.map((k) => k.kid).sort()).toEqual(first);
  });

  test("first start: the RS256 key is made in the background, but the JWKS and RS256 signing wait for it, so no token's kid is missing from the JWKS", async () => {
    const db = freshDatabase();
    const store = await openSigningKeyStore(db);
    store.generateMissing(); // as serve does once it listens
    // Asked at once, while the RSA key may still be in the making.
    const [jwks, rs] = await Promise.all([store.jwks(), store.signingKey("RS256")]);
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(["ES256", "RS256"]);
    expect(jwks.keys.map((k) => k.kid)).toContain(rs.kid);
    const ctx = { issuer: "https://id.example", idTokenTtlMs: 60_000, keys: store };
    const idToken = await signIdToken(ctx, { sub: "a", clientId: "rp", authTime: Date.now(), claims: {}, alg: "RS256" });
    expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: "RS256", kid: rs.kid });
    await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: "https://id.example", audience: "rp" });
  });

  test("first start: an RS256 key another process stores while ours is being made is kept, and ours is dropped", async () => {
    // A ready-made RS256 key row, from another data directory.
    const other = freshDatabase();
    await (await openSigningKeyStore(other)).jwks(); // made on first need
    const row = other.select().from(signingKeys).where(eq(signingKeys.alg, "RS256")).get()!;
    const privateJwk = await (await unlockKeyVault(other, developmentPassphrase)).decryptPrivateJwk(row.kid, row.privateJwk);

    const db = freshDatabase();
    const vault = await unlockKeyVault(db, developmentPassphrase);
    // Encrypted for this database (each database has its own key derivation salt).
    const theirs = { ...row, privateJwk: await vault.encryptPrivateJwk(row.kid, privateJwk) };
    const store = await openStore(db, vault);
    store.generateMissing();
    // Stored by another connection (as `identity keys rotate` would) before our RSA key is ready.
    const operator = openIdentityDatabase(dirs[1]);
    operator.insert(signingKeys).values(theirs).run();
    operator.$client.close();
    await store.settled();
    const active = db.select().from(signingKeys).where(and(eq(signingKeys.alg, "RS256"), isNull(signingKeys.retiredAt))).all();
    expect(active.map((k) => k.kid)).toEqual([theirs.kid]);
    expect((await store.signingKey("RS256")).kid).toBe(theirs.kid);
  });

  test("rotation from another connection: within otherConnectionsCheckMs new tokens get the new kid, old ones still verify, retired keys leave after publish_until", async () => {
    const db = freshDatabase();
    const store = await openSigningKeyStore(db);
    expect((await store.jwks()).keys).toHaveLength(2);
    const ctx = { issuer: "https://id.example", recordsUrl: "https://records.example", accessTokenTtlMs: 60_000, keys: store };
    const subject = { sub: "c", clientId: "c", scopes: ["trn_token:write"] };
    const before = (await signAccessToken(ctx, subject)).accessToken;

    // As `identity keys rotate` does it: its own connection to the same file.
    const operator = openIdentityDatabase(dirs[0]);
    await rotateSigningKeys(operator, { keepPublishedMs: 60_000 });
    await Bun.sleep(otherConnectionsCheckMs + 1);
    const after = (await signAccessToken(ctx, subject)).accessToken;
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    expect((await store.jwks()).keys).toHaveLength(4);
    for (const token of [before, after]) await jwtVerify(token, store.verificationKey, { issuer: "https://id.example" });

    // A rotation long after the first: the first keys' publish_until has passed, so they are gone.
    await rotateSigningKeys(operator, { keepPublishedMs: 60_000, now: Date.now() + 120_000 });
    operator.$client.close();
    await Bun.sleep(otherConnectionsCheckMs + 1);
    const kids = (await store.jwks()).keys.map((k) => k.kid);
    expect(kids).not.toContain(decodeProtectedHeader(before).kid!);
    await expect(jwtVerify(before, store.verificationKey)).rejects.toThrow();
  });
});

describe("purging expired protocol rows", () => {
  test("old codes, requests, refresh tokens and finished grants go; live ones stay", () => {
    const db = freshDatabase();
    const now = Date.now();
    const day = 86_400_000;
    const ttl = { refreshTokenTtlMs: 12 * 3_600_000, accessTokenTtlMs: 15 * 60_000 };
    const grant = (id: string, createdAt: number) => db.insert(grants).values({ id, clientId: "c", accountId: "a", scope: "openid", createdAt }).run();
    const code = (hash: string, grantId: string, expiresAt: number) =>
      db
        .insert(authorizationCodes)
        .values({ codeHash: hash, grantId, clientId: "c", accountId: "a", redirectUri: "x", scope: "openid", codeChallenge: "y", authTime: 0, createdAt: 0, expiresAt })
        .run();
    grant("old", now - 3 * day);
    grant("live", now);
    code("old-code", "old", now - 3 * day);
    code("live-code", "live", now + 60_000);
    db.insert(refreshTokens).values({ tokenHash: "old-rt", grantId: "old", createdAt: 0, expiresAt: now - 2 * day }).run();
    db.insert(refreshTokens).values({ tokenHash: "live-rt", grantId: "live", createdAt: now, expiresAt: now + day }).run();
    const request = (id: string, expiresAt: number) =>
      db.insert(authorizationRequests).values({ id, clientId: "c", redirectUri: "x", scope: "openid", codeChallenge: "y", createdAt: 0, expiresAt }).run();
    request("old-request", now - 2 * day);
    request("live-request", now + 60_000);

    expect(purgeExpiredProtocolRows(db, { ...ttl, now })).toEqual({ codes: 1, requests: 1, refreshTokens: 1, grants: 1 });
    expect(db.select().from(grants).all().map((g) => g.id)).toEqual(["live"]);
    expect(db.select().from(authorizationCodes).all().map((c) => c.codeHash)).toEqual(["live-code"]);
    expect(db.select().from(refreshTokens).all().map((r) => r.tokenHash)).toEqual(["live-rt"]);
    expect(db.select().from(authorizationRequests).all().map((r) => r.id)).toEqual(["live-request"]);
    expect(purgeExpiredProtocolRows(db, { ...ttl, now })).toEqual({ codes: 0, requests: 0, refreshTokens: 0, grants: 0 });
  });
});
