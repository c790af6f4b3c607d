// Per-client rate limits on the APIs, over real HTTP: a limit set with the CLI holds at identity
// and, through the token's rate_limit claim, at records; the default API_RATE_LIMIT for clients
// without one; the RateLimit / RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers-10)
// on every answer; 429 with Retry-After; and an address that keeps failing authentication refused
// before it is authenticated.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeJwt } from "jose";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { grants } from "../../src/identity/db/schema";
import { developmentPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { openSigningKeyStore } from "../../src/identity/keys/signing-keys";
import { signAccessToken } from "../../src/identity/oidc/jwt-tokens";
import { runCli } from "../../src/main";
import { addTeacherRecord, registerApiClient } from "../helpers/records-support";
import { startTestSystem, type TestSystem } from "../helpers/system";

const quotaExceeded = "https://iana.org/assignments/http-problem-types#quota-exceeded";

async function cli(system: TestSystem, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { DATA_DIR: system.dataDir, IDENTITY_URL: system.urls.identity },
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const basic = (clientId: string, secret: string) => `Basic ${btoa(`${clientId}:${secret}`)}`;

function tokenRequest(system: TestSystem, clientId: string, secret: string, scope: string) {
  return fetch(`${system.urls.identity}/token`, {
    method: "POST",
    headers: { authorization: basic(clientId, secret), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }),
  });
}

/** The RateLimit fields of an answer, parsed: { policy, q, w } and { policy, r, t }. */
function fields(response: Response) {
  const policy = /^"([a-z-]+)";q=(\d+);w=(\d+)$/.exec(response.headers.get("ratelimit-policy") ?? "");
  const limit = /^"([a-z-]+)";r=(\d+);t=(\d+)$/.exec(response.headers.get("ratelimit") ?? "");
  return {
    policy: policy ? { name: policy[1], q: Number(policy[2]), w: Number(policy[3]) } : undefined,
    limit: limit ? { name: limit[1], r: Number(limit[2]), t: Number(limit[3]) } : undefined,
  };
}

/** Checks a 429 and returns its body's text. */
async function expectQuotaExceeded(response: Response, policy: string): Promise<string> {
  expect(response.status).toBe(429);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(fields(response).limit).toEqual({ name: policy, r: 0, t: retryAfter });
  const text = await response.text();
  expect(JSON.parse(text)).toMatchObject({ type: quotaExceeded, status: 429, "violated-policies": [policy] });
  return text;
}

describe("per-client limits (API_RATE_LIMIT=8 for clients without their own)", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ env: { API_RATE_LIMIT: "8" } });
    addTeacherRecord(system.dataDir, "7400001");
  });
  afterAll(() => system?.stop());

  test("clients add --rate-limit 5: five tokens a minute at /token, counted down in RateLimit; the sixth is 429 with Retry-After; others unaffected", async () => {
    const added = await cli(system, "identity", "clients", "add", "--name", "Limited", "--client-id", "limited", "--grant-types", "client_credentials", "--scopes", "teachers:read", "--rate-limit", "5");
    expect(added.code).toBe(0);
    const secret = /client_secret: (\S+)/.exec(added.out)![1];
    expect((await cli(system, "identity", "clients", "list")).out).toContain("rate limit:    5 requests a minute");

    for (let remaining = 4; remaining >= 0; remaining--) {
      const response = await tokenRequest(system, "limited", secret, "teachers:read");
      expect(response.status).toBe(200);
      const { policy, limit } = fields(response);
      expect(policy).toEqual({ name: "default", q: 5, w: 60 });
      expect(limit!.r).toBe(remaining);
      expect(limit!.t).toBeGreaterThanOrEqual(1);
      expect(limit!.t).toBeLessThanOrEqual(60);
      // The limit travels in the token, for records.
      expect(decodeJwt(((await response.json()) as { access_token: string }).access_token).rate_limit).toBe(5);
    }
    const refused = await tokenRequest(system, "limited", secret, "teachers:read");
    await expectQuotaExceeded(refused, "default");

    const other = registerApiClient(system.dataDir, ["teachers:read"]);
    const fine = await tokenRequest(system, other.clientId, other.clientSecret, "teachers:read");
    expect(fine.status).toBe(200);
    expect(fields(fine)).toEqual({ policy: { name: "default", q: 8, w: 60 }, limit: expect.objectContaining({ name: "default", r: 7 }) });
    // A token without a limit of its own carries none.
    expect(decodeJwt(((await fine.json()) as { access_token: string }).access_token).rate_limit).toBeUndefined();
  });

  test("records counts the client's own requests against the limit in its token (5), and records' default (8) for a token without one", async () => {
    const limited = registerApiClient(system.dataDir, ["teachers:read"]);
    expect((await cli(system, "identity", "clients", "set-rate-limit", limited.clientId, "5")).code).toBe(0);
    const token = ((await (await tokenRequest(system, limited.clientId, limited.clientSecret, "teachers:read")).json()) as { access_token: string }).access_token;
    const read = () => fetch(`${system.urls.records}/v2/teachers/7400001`, { headers: { authorization: `Bearer ${token}` } });
    for (let remaining = 4; remaining >= 0; remaining--) {
      const response = await read();
      expect(response.status).toBe(200);
      expect(fields(response)).toEqual({ policy: { name: "default", q: 5, w: 60 }, limit: expect.objectContaining({ r: remaining }) });
    }
    expect(await expectQuotaExceeded(await read(), "default")).not.toContain("Taylor");

    const plain = registerApiClient(system.dataDir, ["teachers:read"]);
    const plainToken = ((await (await tokenRequest(system, plain.clientId, plain.clientSecret, "teachers:read")).json()) as { access_token: string }).access_token;
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      statuses.push((await fetch(`${system.urls.records}/v2/teachers/7400001`, { headers: { authorization: `Bearer ${plainToken}` } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
  });

  test("clients set-rate-limit raises a limit at identity at once", async () => {
    const client = registerApiClient(system.dataDir, ["teachers:read"]);
    expect((await cli(system, "identity", "clients", "set-rate-limit", client.clientId, "1")).code).toBe(0);
    expect((await tokenRequest(system, client.clientId, client.clientSecret, "teachers:read")).status).toBe(200);
    await expectQuotaExceeded(await tokenRequest(system, client.clientId, client.clientSecret, "teachers:read"), "default");
    expect((await cli(system, "identity", "clients", "set-rate-limit", client.clientId, "3")).out).toContain("3 requests a minute");
    const raised = await tokenRequest(system, client.clientId, client.clientSecret, "teachers:read");
    expect(raised.status).toBe(200);
    expect(fields(raised).limit!.r).toBe(1);
    const bad = await cli(system, "identity", "clients", "set-rate-limit", client.clientId, "0");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("must be at least 1");
  });

  test("every API answer carries the fields: /trn-tokens, /api/v1/users, /introspect, /revoke, /userinfo, and their errors", async () => {
    const client = registerApiClient(system.dataDir, ["trn_token:write", "users:read"]);
    const token = async (scope: string) =>
      ((await (await tokenRequest(system, client.clientId, client.clientSecret, scope)).json()) as { access_token: string }).access_token;
    // Two of the client's 8 requests this minute.
    const writer = { authorization: `Bearer ${await token("trn_token:write")}` };
    const reader = { authorization: `Bearer ${await token("users:read")}` };
    const answers = [
      await fetch(`${system.urls.identity}/trn-tokens`, {
        method: "POST",
        headers: { ...writer, "content-type": "application/json" },
        body: JSON.stringify({ trn: "7400001", email: "t@example.com" }),
      }),
      await fetch(`${system.urls.identity}/api/v1/users?limit=1`, { headers: reader }),
      // A 403 (wrong scope) and a 400 count too: the client is known.
      await fetch(`${system.urls.identity}/api/v1/users`, { headers: writer }),
      await fetch(`${system.urls.identity}/api/v1/users?limit=x`, { headers: reader }),
      await fetch(`${system.urls.identity}/revoke`, {
        method: "POST",
        headers: { authorization: basic(client.clientId, client.clientSecret), "content-type": "application/x-www-form-urlencoded" },
        body: "token=nothing",
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([201, 200, 403, 400, 200]);
    // Counted down across identity's APIs: one window per client.
    expect(answers.map((a) => fields(a))).toEqual(
      [5, 4, 3, 2, 1].map((r) => ({ policy: { name: "default", q: 8, w: 60 }, limit: expect.objectContaining({ name: "default", r }) })),
    );

    // /introspect is records' client's (its own limit, provisioned: 1,000,000 a minute).
    const records = JSON.parse(await Bun.file(`${system.dataDir}/internal-client-secrets.json`).text()).records;
    const introspection = await fetch(`${system.urls.identity}/introspect`, {
      method: "POST",
      headers: { authorization: basic(records.clientId, records.clientSecret), "content-type": "application/x-www-form-urlencoded" },
      body: "token=not-a-token",
    });
    expect(introspection.status).toBe(200);
    expect(fields(introspection).policy).toEqual({ name: "default", q: 1_000_000, w: 60 });

    // /userinfo, with a teacher's token (access's client: provisioned with its own limit).
    const db = openIdentityDatabase(system.dataDir);
    try {
      const account = insertAccount(db, { email: "userinfo@example.com", phoneNumber: null, givenName: null, familyName: null, preferredName: null, birthdate: null, trn: null });
      const grantId = crypto.randomUUID();
      db.insert(grants).values({ id: grantId, clientId: "some-rp", accountId: account.id, scope: "openid email", createdAt: Date.now() }).run();
      const keys = await openSigningKeyStore(db, await unlockKeyVault(db, developmentPassphrase));
      // As /token issues it to a relying party registered with --rate-limit 50.
      const { accessToken } = await signAccessToken(
        { issuer: system.urls.identity, recordsUrl: system.urls.records, accessTokenTtlMs: 60_000, keys },
        { sub: account.id, clientId: "some-rp", scopes: ["openid", "email"], grantId, rateLimit: 50 },
      );
      const info = await fetch(`${system.urls.identity}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({ sub: account.id, email: "userinfo@example.com" });
      expect(fields(info).policy).toEqual({ name: "default", q: 50, w: 60 });
    } finally {
      db.$client.close();
    }
  });
});

describe("failed authentications per address (API_FAILED_AUTH_LIMIT_PER_IP=3)", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ env: { API_FAILED_AUTH_LIMIT_PER_IP: "3" } });
  });
  afterAll(() => system?.stop());

  test("three wrong secrets at /token are 401s counted down in the failed-auth fields; then this address is refused unread, the right secret too", async () => {
    const client = registerApiClient(system.dataDir, ["teachers:read"]);
    // Before any failure, the right secret works.
    const good = await tokenRequest(system, client.clientId, client.clientSecret, "teachers:read");
    expect(good.status).toBe(200);
    const token = ((await good.json()) as { access_token: string }).access_token;

    for (let remaining = 2; remaining >= 0; remaining--) {
      const wrong = await tokenRequest(system, client.clientId, "not-the-secret", "teachers:read");
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: string }).error).toBe("invalid_client");
      expect(fields(wrong)).toEqual({ policy: { name: "failed-auth", q: 3, w: 60 }, limit: expect.objectContaining({ name: "failed-auth", r: remaining }) });
    }
    const refused = await tokenRequest(system, client.clientId, client.clientSecret, "teachers:read");
    await expectQuotaExceeded(refused, "failed-auth");

    // The same address at identity's bearer APIs is refused before its token is looked at...
    const users = await fetch(`${system.urls.identity}/api/v1/users`, { headers: { authorization: `Bearer ${token}` } });
    await expectQuotaExceeded(users, "failed-auth");
    // ... while records keeps its own count: a valid token still works there.
    const record = await fetch(`${system.urls.records}/v2/teachers/7400009`, { headers: { authorization: `Bearer ${token}` } });
    expect(record.status).toBe(404);
    expect(fields(record).policy?.name).toBe("default");
  });

  test("forged tokens count at records the same way", async () => {
    const forged = "eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0.";
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${system.urls.records}/v2/teachers/7400009`, { headers: { authorization: `Bearer ${forged}` } });
      statuses.push(response.status);
      if (i < 3) expect(fields(response).limit).toEqual(expect.objectContaining({ name: "failed-auth", r: 2 - i }));
      else await expectQuotaExceeded(response, "failed-auth");
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
