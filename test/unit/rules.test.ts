// One function per rule: each rule below has one home in src/, and each test fails if that home
// (or a call site that should use it) gets the rule wrong. Copies of a security rule drift apart.
import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { authorizedFetch } from "../../src/auth/authorized-fetch";
import { createClientCredentialsTokenSource, type TokenSource } from "../../src/auth/client-credentials";
import { changedRows, consumeOnce } from "../../src/db/changed-rows";
import { insertAccount, type Account } from "../../src/identity/accounts/accounts";
import { createClient, newClientSchema } from "../../src/identity/clients/clients";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { authorizationCodes, grants } from "../../src/identity/db/schema";
import { developmentPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { openSigningKeyStore } from "../../src/identity/keys/signing-keys";
import { authorize } from "../../src/identity/oidc/authorize";
import { claimsForScopes, grantsTrnClaim } from "../../src/identity/oidc/claims";
import { signAccessToken } from "../../src/identity/oidc/jwt-tokens";
import { sessionIsFreshEnough } from "../../src/identity/oidc/session-freshness";
import { createSession } from "../../src/identity/sessions/session";
import { silentLogger } from "../../src/log/logger";
import { createQtsInvitationHandler } from "../../src/records/invitations/award-invitation-handler";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function freshIdentityDatabase(): { db: IdentityDatabaseFile; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "rules-unit-"));
  const db = openIdentityDatabase(dir);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => db.$client.close());
  return { db, dir };
}

function addAccount(db: IdentityDatabaseFile, trn: string | null = "1234567"): Account {
  return insertAccount(db, {
    email: `t${crypto.randomUUID()}@example.com`,
    phoneNumber: null,
    givenName: "Jane",
    familyName: "Doe",
    preferredName: null,
    birthdate: "1990-01-31",
    trn,
  });
}

describe("consume-once (src/db/changed-rows.ts)", () => {
  function addCode(db: IdentityDatabaseFile, codeHash: string) {
    const account = addAccount(db, null);
    db.insert(grants).values({ id: codeHash, clientId: "c", accountId: account.id, scope: "openid", createdAt: 0 }).run();
    db.insert(authorizationCodes)
      .values({ codeHash, grantId: codeHash, clientId: "c", accountId: account.id, redirectUri: "x", scope: "openid", codeChallenge: "y", authTime: 0, createdAt: 0, expiresAt: Date.now() + 60_000 })
      .run();
  }
  const consume = (db: IdentityDatabaseFile, codeHash: string, now: number) =>
    consumeOnce(
      db
        .update(authorizationCodes)
        .set({ consumedAt: now })
        .where(and(eq(authorizationCodes.codeHash, codeHash), isNull(authorizationCodes.consumedAt))),
    );

  test("the first caller consumes the row, a second (even on another connection) gets false and changes nothing", () => {
    const { db, dir } = freshIdentityDatabase();
    addCode(db, "code-1");
    const other = openIdentityDatabase(dir);
    cleanups.push(() => other.$client.close());

    expect(consume(db, "code-1", 1000)).toBe(true);
    expect(consume(other, "code-1", 2000)).toBe(false);
    expect(consume(db, "code-1", 3000)).toBe(false);
    // The first consumption stands: the later calls did not overwrite its time.
    expect(db.select().from(authorizationCodes).get()!.consumedAt).toBe(1000);
    expect(consume(db, "no-such-code", 4000)).toBe(false);
  });

  test("changedRows reads drizzle's and bun:sqlite's run() alike, and refuses anything else instead of comparing undefined", () => {
    const { db } = freshIdentityDatabase();
    addCode(db, "a");
    addCode(db, "b");
    expect(changedRows(db.update(authorizationCodes).set({ consumedAt: 1 }).run())).toBe(2);
    expect(changedRows(db.$client.query("DELETE FROM authorization_codes WHERE code_hash = ?").run("a"))).toBe(1);
    expect(changedRows(db.$client.query("DELETE FROM authorization_codes WHERE code_hash = ?").run("a"))).toBe(0);
    for (const notAResult of [undefined, null, {}, { changes: "1" }, [{ changes: 1 }]]) {
      expect(() => changedRows(notAResult)).toThrow(TypeError);
    }
    // A statement whose run() returns something else (e.g. a driver change) is an error, not "consumed" or "not consumed".
    expect(() => consumeOnce({ run: () => undefined })).toThrow(TypeError);
  });

  test("src/ reads changed rows only through src/db/changed-rows.ts", async () => {
    const root = join(import.meta.dir, "../..");
    const offenders: string[] = [];
    for await (const path of new Bun.Glob("src/**/*.{ts,tsx}").scan({ cwd: root })) {
      const file = relative(root, join(root, path));
      if (file === "src/db/changed-rows.ts") continue;
      const text = await Bun.file(join(root, file)).text();
      if (/\.changes\b/.test(text) || /changed-rows/.test(file)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });
});

describe("session freshness for max_age and prompt=login (src/identity/oidc/session-freshness.ts)", () => {
  const now = 1_700_000_000_000;
  test("max_age: exactly max_age seconds old is fresh, one second more is not; no max_age: any age", () => {
    expect(sessionIsFreshEnough({ maxAge: 60 }, now - 60_000, now)).toBe(true);
    expect(sessionIsFreshEnough({ maxAge: 60 }, now - 61_000, now)).toBe(false);
    expect(sessionIsFreshEnough({ maxAge: 60, prompt: null }, now - 61_000, now)).toBe(false);
    expect(sessionIsFreshEnough({ maxAge: 0 }, now, now)).toBe(true);
    expect(sessionIsFreshEnough({ maxAge: 0 }, now - 1000, now)).toBe(false);
    // max_age is in seconds, authTime in ms: 3600 s is an hour, not 3.6 s.
    expect(sessionIsFreshEnough({ maxAge: 3600 }, now - 30 * 60_000, now)).toBe(true);
    expect(sessionIsFreshEnough({}, now - 11 * 3_600_000, now)).toBe(true);
    expect(sessionIsFreshEnough({ maxAge: null, prompt: null }, now - 11 * 3_600_000, now)).toBe(true);
  });

  test("prompt=login: no existing session is fresh enough, however recent; prompt=none does not change freshness", () => {
    expect(sessionIsFreshEnough({ prompt: "login" }, now, now)).toBe(false);
    expect(sessionIsFreshEnough({ prompt: "login", maxAge: 3600 }, now - 1000, now)).toBe(false);
    expect(sessionIsFreshEnough({ prompt: "none", maxAge: 60 }, now - 1000, now)).toBe(true);
    expect(sessionIsFreshEnough({ prompt: "none", maxAge: 60 }, now - 61_000, now)).toBe(false);
  });

  test("/authorize applies it: a code for a fresh session, the journey (or login_required) otherwise", () => {
    const { db } = freshIdentityDatabase();
    const redirectUri = "https://rp.example/callback";
    createClient(db, newClientSchema.parse({ clientId: "rp-app", name: "RP", grantTypes: ["authorization_code"], scopes: ["openid"], redirectUris: [redirectUri] }));
    const account = addAccount(db);
    const signedInAt = (authTime: number) => createSession(db, account.id, { secure: false, now: authTime }).setCookie.split(";")[0];
    const go = (cookie: string, extra: Record<string, string>) => {
      const params = new URLSearchParams({
        response_type: "code",
        client_id: "rp-app",
        redirect_uri: redirectUri,
        scope: "openid",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGKSsw7-cM",
        code_challenge_method: "S256",
        state: "s",
        ...extra,
      });
      const outcome = authorize(db, "https://id.example", params, cookie, now);
      if (outcome.kind !== "redirect") throw new Error(outcome.kind);
      return new URL(outcome.location, "https://id.example");
    };
    const exactlyOld = signedInAt(now - 60_000);
    const tooOld = signedInAt(now - 61_000);
    const justNow = signedInAt(now - 1000);

    expect(go(exactlyOld, { max_age: "60" }).searchParams.get("code")).toBeTruthy();
    expect(go(tooOld, { max_age: "60" }).pathname).toStartWith("/interaction/");
    expect(go(justNow, { prompt: "login" }).pathname).toStartWith("/interaction/");
    expect(go(justNow, {}).searchParams.get("code")).toBeTruthy();
    expect(go(tooOld, { prompt: "none", max_age: "60" }).searchParams.get("error")).toBe("login_required");
    expect(go(exactlyOld, { prompt: "none", max_age: "60" }).searchParams.get("code")).toBeTruthy();
  });
});

describe("trn or dqt:read grants the TRN claim (grantsTrnClaim in src/identity/oidc/claims.ts)", () => {
  test("the rule itself", () => {
    expect(grantsTrnClaim(["openid", "trn"])).toBe(true);
    expect(grantsTrnClaim(["dqt:read"])).toBe(true);
    expect(grantsTrnClaim(["openid", "email", "profile", "phone"])).toBe(false);
    expect(grantsTrnClaim(["teachers:read", "itt_outcome:write", "trn_token:write"])).toBe(false);
    expect(grantsTrnClaim([])).toBe(false);
  });

  test("ID token / userinfo claims and access tokens follow it", async () => {
    const { db } = freshIdentityDatabase();
    const account = addAccount(db, "7654321");
    const keys = await openSigningKeyStore(db, await unlockKeyVault(db, developmentPassphrase));
    const ctx = { issuer: "https://id.example", recordsUrl: "https://records.example", accessTokenTtlMs: 60_000, keys };
    const accessTokenTrn = async (scopes: string[]) => {
      const { accessToken } = await signAccessToken(ctx, { sub: account.id, clientId: "rp", scopes, trn: account.trn });
      return JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString()).trn;
    };
    for (const scopes of [["openid", "trn"], ["openid", "dqt:read"]]) {
      expect(claimsForScopes(account, scopes).trn).toBe("7654321");
      expect(await accessTokenTrn(scopes)).toBe("7654321");
    }
    for (const scopes of [["openid", "email", "profile"], ["teachers:read"]]) {
      expect(claimsForScopes(account, scopes).trn).toBeUndefined();
      expect(await accessTokenTrn(scopes)).toBeUndefined();
    }
  });
});

describe("authorized service-to-service fetch: 401, a new token, one retry (src/auth/authorized-fetch.ts)", () => {
  /** A token endpoint that hands out token-1, token-2, ... and counts its requests. */
  function startTokenServer() {
    let issued = 0;
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (request) => {
        await request.text();
        issued += 1;
        return Response.json({ access_token: `token-${issued}`, token_type: "Bearer", expires_in: 300 });
      },
    });
    cleanups.push(() => server.stop(true));
    const tokens: TokenSource = createClientCredentialsTokenSource({ tokenUrl: `${server.url}token`, clientId: "svc", clientSecret: "s", scope: "x" });
    return { tokens, issued: () => issued };
  }

  /** A resource server that answers with `statuses` in turn (the last one from then on) and records what it saw. */
  function startResourceServer(statuses: number[]) {
    const seen: { method: string; authorization: string | null; contentType: string | null; body: string }[] = [];
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async (request) => {
        seen.push({
          method: request.method,
          authorization: request.headers.get("authorization"),
          contentType: request.headers.get("content-type"),
          body: await request.text(),
        });
        const status = statuses[Math.min(seen.length - 1, statuses.length - 1)];
        return status === 201 ? Response.json({ trnToken: "link-token", expiresUtc: "2030-01-01T00:00:00Z" }, { status }) : new Response(`answer ${seen.length}`, { status });
      },
    });
    cleanups.push(() => server.stop(true));
    return { url: server.url.toString().replace(/\/$/, ""), seen };
  }

  test("401 then 200: two requests, the second with a token from a new token request, same method, headers and body", async () => {
    const token = startTokenServer();
    const resource = startResourceServer([401, 200]);
    const response = await authorizedFetch(token.tokens, `${resource.url}/thing`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("answer 2");
    expect(token.issued()).toBe(2);
    expect(resource.seen.map((r) => r.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
    for (const request of resource.seen) expect(request).toMatchObject({ method: "POST", contentType: "application/json", body: '{"a":1}' });
  });

  test("401 twice: exactly two requests and two token requests, and the caller gets the 401", async () => {
    const token = startTokenServer();
    const resource = startResourceServer([401]);
    const response = await authorizedFetch(token.tokens, `${resource.url}/thing`);
    expect(response.status).toBe(401);
    expect(resource.seen).toHaveLength(2);
    expect(resource.seen.map((r) => r.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(token.issued()).toBe(2);
  });

  test("other answers are not retried, and the cached token is reused", async () => {
    const token = startTokenServer();
    const resource = startResourceServer([200, 403, 500]);
    expect((await authorizedFetch(token.tokens, `${resource.url}/a`)).status).toBe(200);
    expect((await authorizedFetch(token.tokens, `${resource.url}/b`)).status).toBe(403);
    expect((await authorizedFetch(token.tokens, `${resource.url}/c`)).status).toBe(500);
    expect(resource.seen.map((r) => r.authorization)).toEqual(["Bearer token-1", "Bearer token-1", "Bearer token-1"]);
    expect(token.issued()).toBe(1);
  });

  test("records' invitation handler uses it: identity answers 401, then 201, and the email goes out", async () => {
    const token = startTokenServer();
    const identity = startResourceServer([401, 201]);
    const sent: { to: string; text: string }[] = [];
    const handler = createQtsInvitationHandler({
      identityUrl: identity.url,
      accessUrl: "https://access.example",
      tokens: token.tokens,
      sendEmail: async (email) => void sent.push(email),
      logger: silentLogger,
    });
    const payload = { trn: "1234567", email: "jane@example.com", firstName: "Jane", lastName: "Doe", qtsDate: "2024-07-01" };
    await handler(payload, { id: 1, kind: "qts-invitation", attempts: 0, updatePayload: () => {} });
    expect(identity.seen.map((r) => r.authorization)).toEqual(["Bearer token-1", "Bearer token-2"]);
    expect(identity.seen[1].body).toBe(JSON.stringify({ trn: "1234567", email: "jane@example.com" }));
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain("https://access.example/register?trn_token=link-token");
  });
});
