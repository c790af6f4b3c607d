// POST /trn-tokens: what records calls after a QTS pass (seed step 2-3).
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { base64url, decodeJwt } from "jose";
import { trnTokens } from "../../src/identity/db/schema";
import { sha256 } from "../../src/security/tokens";
import { clientCredentialsToken, startIdentity, type IdentityUnderTest } from "../helpers/identity-helpers";
import { loadApiDocument, watchApiResponses, type ResponseWatch } from "../helpers/openapi-conformance";

let identity: IdentityUnderTest;
let writer: string;
let otherScope: string;
/** Every /trn-tokens response in this file is checked against identity's OpenAPI document. */
let watch: ResponseWatch;

beforeAll(async () => {
  // Not the default (30 days, checked in register-magic-link.test.ts): the setting is honoured.
  identity = await startIdentity({ env: { TRN_TOKEN_TTL: "2d" } });
  const secret = identity.addClient({
    clientId: "records-test",
    name: "Records",
    grantTypes: ["client_credentials"],
    scopes: ["trn_token:write", "teachers:read"],
  });
  writer = await clientCredentialsToken(identity.issuer, "records-test", secret, "trn_token:write");
  otherScope = await clientCredentialsToken(identity.issuer, "records-test", secret, "teachers:read");
  watch = watchApiResponses(identity.issuer, await loadApiDocument(identity.issuer), {
    apiPrefixes: ["/trn-tokens"],
    // Malformed JSON is refused while the body is read, before the route (and its rate limiter) runs.
    rateLimitFieldsExempt: ({ init }) => init?.body === "{nope",
  });
});
afterEach(() => {
  expect(watch.failures.splice(0)).toEqual([]);
});
afterAll(async () => {
  watch?.restore();
  expect(watch?.checked ?? 0).toBeGreaterThan(10);
  await identity.stop();
});

const post = (body: unknown, token: string | null = writer) =>
  fetch(`${identity.issuer}/trn-tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("POST /trn-tokens", () => {
  test("201 with a 256-bit token, the TRN, the lower-cased email and the configured expiry; stored only as a hash, with the client and time", async () => {
    const before = Date.now();
    const response = await post({ trn: "1234567", email: " Teacher@Example.COM " });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { trn: string; email: string; trnToken: string; expiresUtc: string };
    expect(body.trn).toBe("1234567");
    expect(body.email).toBe("teacher@example.com");
    expect(base64url.decode(body.trnToken)).toHaveLength(32);
    const expires = Date.parse(body.expiresUtc);
    expect(expires - before).toBeGreaterThanOrEqual(2 * 86_400_000 - 1000);
    expect(expires - before).toBeLessThan(2 * 86_400_000 + 5000);
    const row = identity.db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(body.trnToken))).get()!;
    // The row says what, for whom, which client asked and when.
    expect(row).toMatchObject({ trn: "1234567", email: "teacher@example.com", clientId: "records-test", consumedAt: null });
    expect(row.createdAt).toBeGreaterThanOrEqual(before);
    expect(row.createdAt).toBeLessThanOrEqual(Date.now());
    expect(row.expiresAt).toBe(expires);
  });

  test("each call gives a new token", async () => {
    const a = (await (await post({ trn: "7654321", email: "a@example.com" })).json()) as { trnToken: string };
    const b = (await (await post({ trn: "7654321", email: "a@example.com" })).json()) as { trnToken: string };
    expect(a.trnToken).not.toBe(b.trnToken);
  });

  test("a bad TRN and a bad email: 400 problem+json naming each field, nothing stored", async () => {
    const count = () => identity.db.select().from(trnTokens).all().length;
    const before = count();
    for (const trn of ["123456", "12345678", "12345a7", "１２３４５６７", 1234567]) {
      const response = await post({ trn, email: "ok@example.com" });
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as { status: number; errors: Record<string, string[]> };
      expect(problem.status).toBe(400);
      expect(Object.keys(problem.errors)).toEqual(["trn"]);
    }
    const both = (await (await post({ trn: "12", email: "not-an-email" })).json()) as { errors: Record<string, string[]> };
    expect(both.errors.trn).toEqual(["TRN must be 7 digits"]);
    expect(both.errors.email).toEqual(["Email must be a valid email address"]);
    const missing = (await (await post({})).json()) as { errors: Record<string, string[]> };
    expect(Object.keys(missing.errors).sort()).toEqual(["email", "trn"]);
    const notJson = await post("{nope");
    expect(notJson.status).toBe(400);
    expect(notJson.headers.get("content-type")).toBe("application/problem+json");
    expect(await notJson.json()).toMatchObject({ status: 400, title: "The request body could not be read.", detail: "Send valid JSON." });
    expect(count()).toBe(before);
  });

  test("no token: 401; a token without trn_token:write: 403", async () => {
    const anonymous = await post({ trn: "1234567", email: "a@example.com" }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toStartWith("Bearer");
    const wrongScope = await post({ trn: "1234567", email: "a@example.com" }, otherScope);
    expect(wrongScope.status).toBe(403);
    expect(wrongScope.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  test("tampered and alg:none tokens: 401 invalid_token", async () => {
    const [header, , signature] = writer.split(".");
    const claims = decodeJwt(writer);
    const payload = base64url.encode(JSON.stringify({ ...claims, client_id: "someone-else" }));
    const none = base64url.encode(JSON.stringify({ alg: "none", typ: "at+jwt" }));
    for (const bad of [`${header}.${payload}.${signature}`, `${none}.${payload}.`]) {
      const response = await post({ trn: "1234567", email: "a@example.com" }, bad);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    }
  });
});
