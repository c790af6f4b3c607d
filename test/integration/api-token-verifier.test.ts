// The bearer-token check every API uses (records' itt-outcome and reads): against a real JWKS over
// HTTP, cached, fetched again when a token names an unknown kid; iss, aud, exp and scope checked.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { createTokenIntrospector } from "../../src/auth/token-introspection";
import { createAccessTokenVerifier } from "../../src/auth/verify-access-token";

const issuer = "http://identity.test";
const audience = "http://records.test";
const published: Record<string, unknown>[] = [];
let jwksFetches = 0;
const jwksServer = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch() {
    jwksFetches++;
    return Response.json({ keys: published });
  },
});
afterAll(() => jwksServer.stop(true));

async function newKey(kid: string, publish = true): Promise<{ kid: string; privateKey: CryptoKey }> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  if (publish) published.push({ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" });
  return { kid, privateKey };
}

async function token(key: { kid: string; privateKey: CryptoKey }, claims: Record<string, unknown> = {}, expiresIn = "5m") {
  return new SignJWT({ scope: "itt_outcome:write", client_id: "awarding", jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "at+jwt" })
    .setIssuer((claims.iss as string) ?? issuer)
    .setAudience((claims.aud as string) ?? audience)
    .setSubject("awarding")
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key.privateKey);
}

const verifier = createAccessTokenVerifier({ issuer, audience, jwksUrl: `http://127.0.0.1:${jwksServer.port}/jwks.json` });
const statusOf = async (jwt: string, scope = "itt_outcome:write") => {
  const result = await verifier.verify(`Bearer ${jwt}`, scope);
  return result instanceof Response ? result.status : 200;
};

let first: { kid: string; privateKey: CryptoKey };
beforeAll(async () => {
  first = await newKey("key-1");
});

describe("API bearer tokens", () => {
  test("the JWKS is fetched once and cached; a token with a new kid makes it fetch again", async () => {
    expect(await statusOf(await token(first))).toBe(200);
    expect(await statusOf(await token(first))).toBe(200);
    expect(jwksFetches).toBe(1);

    const rotated = await newKey("key-2");
    await Bun.sleep(1_100); // the verifier waits 1 s between fetches, so a flood of bad kids cannot hammer identity
    expect(await statusOf(await token(rotated))).toBe(200);
    expect(jwksFetches).toBe(2);
  });

  test("wrong issuer, wrong audience, expired, or a key identity never published: 401 problem+json", async () => {
    const key = first;
    expect(await statusOf(await token(key))).toBe(200);
    expect(await statusOf(await token(key, { iss: "http://elsewhere.test" }))).toBe(401);
    expect(await statusOf(await token(key, { aud: "http://access.test" }))).toBe(401);
    expect(await statusOf(await token(key, {}, "-1h"))).toBe(401);
    const stranger = await newKey("key-unpublished", false);
    const refused = await verifier.verify(`Bearer ${await token(stranger)}`, "itt_outcome:write");
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(401);
    expect((refused as Response).headers.get("content-type")).toBe("application/problem+json");
    expect((refused as Response).headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  test("a valid token without the scope: 403 problem+json naming the scope", async () => {
    const key = first;
    const result = await verifier.verify(`Bearer ${await token(key, { scope: "teachers:read" })}`, "itt_outcome:write");
    expect(result).toBeInstanceOf(Response);
    expect((result as Response).status).toBe(403);
    expect((result as Response).headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(await (result as Response).json()).toMatchObject({ status: 403, detail: expect.stringContaining("itt_outcome:write") });
  });
});

describe("user tokens are checked with identity's /introspect (issue 11 item 7)", () => {
  // A stand-in for identity's introspection endpoint: answers from `revoked`, or fails on demand.
  const revoked = new Set<string>();
  const asked: string[] = [];
  let failWith: number | "hang" | undefined;
  const introspection = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const form = new URLSearchParams(await request.text());
      asked.push(form.get("token")!);
      if (request.headers.get("authorization") !== `Basic ${Buffer.from("records:s3cret").toString("base64")}`) {
        return Response.json({ error: "invalid_client" }, { status: 401 });
      }
      if (failWith === "hang") await Bun.sleep(5_000);
      else if (failWith) return new Response("no", { status: failWith });
      return Response.json({ active: !revoked.has(form.get("token")!) });
    },
  });
  afterAll(() => introspection.stop(true));
  let now = 1_000_000;
  const checked = createAccessTokenVerifier({
    issuer,
    audience,
    jwksUrl: `http://127.0.0.1:${jwksServer.port}/jwks.json`,
    revocation: createTokenIntrospector({
      introspectionUrl: `http://127.0.0.1:${introspection.port}/introspect`,
      credentials: () => ({ clientId: "records", clientSecret: "s3cret" }),
      cacheTtlMs: 5_000,
      timeoutMs: 300,
      now: () => now,
    }),
  });
  const userToken = () => token(first, { scope: "dqt:read", grant_id: crypto.randomUUID(), client_id: "access-service" });
  const answer = async (jwt: string, scope = "dqt:read") => {
    const result = await checked.verify(`Bearer ${jwt}`, scope);
    return result instanceof Response ? { status: result.status, body: await result.json(), retryAfter: result.headers.get("retry-after") } : { status: 200 };
  };

  test("a revoked user token is refused once the cached answer is older than the TTL; one question per token per TTL", async () => {
    const jwt = await userToken();
    asked.length = 0;
    expect((await Promise.all([answer(jwt), answer(jwt), answer(jwt)])).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(asked).toEqual([jwt]);
    revoked.add(jwt);
    expect((await answer(jwt)).status).toBe(200); // within the TTL: the answer kept
    now += 5_001;
    const refused = await answer(jwt);
    expect(refused).toMatchObject({ status: 401, body: { detail: "The access token has been revoked." } });
    expect(asked).toEqual([jwt, jwt]);
  });

  test("identity failing, slow or refusing records' credentials: user tokens get 503 with Retry-After (fail closed)", async () => {
    for (const failure of [500, 401, "hang"] as const) {
      failWith = failure;
      const refused = await answer(await userToken());
      expect(refused).toMatchObject({ status: 503, retryAfter: "5", body: { title: "Service Unavailable" } });
    }
    failWith = undefined;
    // Nothing was cached from the failures: the next question is answered.
    expect((await answer(await userToken())).status).toBe(200);
  });

  test("machine tokens (no grant_id) are never asked about, even with identity down", async () => {
    failWith = 500;
    asked.length = 0;
    expect((await answer(await token(first), "itt_outcome:write")).status).toBe(200);
    expect(asked).toEqual([]);
    failWith = undefined;
  });
});
