// The API rate limiter's arithmetic and fields, on a clock the test moves; the client rules that
// come with it (a client's own limit, `phone` with users:read); the Users API's cursor.
import { describe, expect, test } from "bun:test";
import { createApiRateLimiter, rateLimitField, rateLimitPolicyField, type ResponseHeaders } from "../../src/api-rate-limit/api-rate-limiter";
import { FixedWindowCounter } from "../../src/api-rate-limit/fixed-window";
import { newClientSchema } from "../../src/identity/clients/clients";
import { decodeCursor, encodeCursor } from "../../src/identity/users-api/users-service";

function limiterAt(start: number, options: { defaultLimit?: number; failedAuthLimitPerIp?: number } = {}) {
  const clock = { now: start };
  const limiter = createApiRateLimiter({ defaultLimit: options.defaultLimit ?? 3, failedAuthLimitPerIp: options.failedAuthLimitPerIp ?? 2, now: () => clock.now });
  return { clock, limiter };
}

describe("the RateLimit fields (draft-ietf-httpapi-ratelimit-headers-10)", () => {
  test("are Structured Field lists: a String policy name with Integer q, w, r and t", () => {
    expect(rateLimitPolicyField("default", 1000)).toBe('"default";q=1000;w=60');
    expect(rateLimitField("default", 997, 41_200)).toBe('"default";r=997;t=42');
    // t never says 0 while the window is still open: a client waiting t seconds finds it ended.
    expect(rateLimitField("failed-auth", 0, 1)).toBe('"failed-auth";r=0;t=1');
  });
});

describe("per-client windows", () => {
  test("counts down each answer's fields, refuses past the limit with 429, and starts again when the client's window ends", async () => {
    const { clock, limiter } = limiterAt(1_000_000);
    const headers: ResponseHeaders[] = [];
    for (let i = 0; i < 3; i++) {
      const h: ResponseHeaders = {};
      expect(limiter.admit(h, "client-a")).toBeUndefined();
      headers.push(h);
      clock.now += 10_000;
    }
    expect(headers.map((h) => h.ratelimit)).toEqual(['"default";r=2;t=60', '"default";r=1;t=50', '"default";r=0;t=40']);
    expect(headers.every((h) => h["ratelimit-policy"] === '"default";q=3;w=60')).toBe(true);

    const refusedHeaders: ResponseHeaders = {};
    const refused = limiter.admit(refusedHeaders, "client-a")!;
    expect(refused.status).toBe(429);
    expect(refusedHeaders["retry-after"]).toBe("30");
    expect(refusedHeaders.ratelimit).toBe('"default";r=0;t=30');
    expect(await refused.json()).toMatchObject({
      type: "https://iana.org/assignments/http-problem-types#quota-exceeded",
      status: 429,
      "violated-policies": ["default"],
    });
    // Refused requests are not counted, and another client has its own window.
    expect(limiter.admit({}, "client-b")).toBeUndefined();
    clock.now += 30_000;
    const fresh: ResponseHeaders = {};
    expect(limiter.admit(fresh, "client-a")).toBeUndefined();
    expect(fresh.ratelimit).toBe('"default";r=2;t=60');
  });

  test("a client's own limit replaces the default", () => {
    const { limiter } = limiterAt(0);
    const h: ResponseHeaders = {};
    for (let i = 0; i < 10; i++) expect(limiter.admit(h, "big", 10)).toBeUndefined();
    expect(h["ratelimit-policy"]).toBe('"default";q=10;w=60');
    expect(limiter.admit({}, "big", 10)?.status).toBe(429);
  });

  test("the windows a flood of new keys leaves behind are swept, so memory stays bounded", () => {
    const counter = new FixedWindowCounter(60_000, 100);
    for (let i = 0; i < 1000; i++) counter.hit(`key-${i}`, 5, i * 1000);
    // Keys whose windows ended were dropped as new ones came: at most the last minute's (and the sweep threshold).
    expect((counter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(101);
  });
});

describe("failed authentications per address", () => {
  test("count down in the failed-auth fields; past the limit the address is refused before authenticating, until its window ends", () => {
    const { clock, limiter } = limiterAt(0);
    let asked = 0;
    const address = () => {
      asked += 1;
      return "203.0.113.9";
    };
    // Nobody has failed yet: the address is not even looked up.
    expect(limiter.refuseAddress({}, address)).toBeUndefined();
    expect(asked).toBe(0);
    const first: ResponseHeaders = {};
    limiter.authenticationFailed(first, "203.0.113.9");
    expect(first).toEqual({ "ratelimit-policy": '"failed-auth";q=2;w=60', ratelimit: '"failed-auth";r=1;t=60' });
    expect(limiter.refuseAddress({}, address)).toBeUndefined();
    limiter.authenticationFailed({}, "203.0.113.9");
    const refusedHeaders: ResponseHeaders = {};
    expect(limiter.refuseAddress(refusedHeaders, address)?.status).toBe(429);
    expect(refusedHeaders["retry-after"]).toBe("60");
    // Another address is not refused.
    expect(limiter.refuseAddress({}, () => "198.51.100.7")).toBeUndefined();
    clock.now += 60_000;
    expect(limiter.refuseAddress({}, address)).toBeUndefined();
  });
});

describe("clients", () => {
  const machine = { clientId: "awarding", name: "Awarding", grantTypes: ["client_credentials"] };

  test("--rate-limit is a whole number of requests a minute, from 1; without it, the service's default", () => {
    expect(newClientSchema.parse({ ...machine, scopes: ["itt_outcome:write"], rateLimit: "3000" }).rateLimit).toBe(3000);
    expect(newClientSchema.parse({ ...machine, scopes: ["itt_outcome:write"] }).rateLimit).toBeNull();
    for (const bad of ["0", "-5", "1.5", "many", "10000001"]) {
      expect(newClientSchema.safeParse({ ...machine, scopes: ["itt_outcome:write"], rateLimit: bad }).success).toBe(false);
    }
  });

  test("users:read and users:write are machine scopes; phone goes on a machine client only with users:read", () => {
    expect(newClientSchema.safeParse({ ...machine, scopes: ["users:read", "users:write"] }).success).toBe(true);
    expect(newClientSchema.safeParse({ ...machine, scopes: ["users:read", "phone"] }).success).toBe(true);
    const alone = newClientSchema.safeParse({ ...machine, scopes: ["users:write", "phone"] });
    expect(alone.success).toBe(false);
    expect(alone.error!.issues[0].message).toContain("users:read");
    expect(newClientSchema.safeParse({ ...machine, scopes: ["users:read", "email"] }).success).toBe(false);
  });
});

describe("the Users API's cursor", () => {
  test("comes back as it was given, and anything else is refused", () => {
    const cursor = { createdAt: 1_790_000_000_000, sub: "0b7c9a44-2f53-4a55-9d1e-1e0f8a0c2a11" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const text of ["", "!!!", Buffer.from("{}").toString("base64url"), Buffer.from('[1.5,"x"]').toString("base64url"), Buffer.from('[1,""]').toString("base64url")]) {
      expect(decodeCursor(text)).toBeUndefined();
    }
  });
});
