// The support console's small parts: the address allow-list (ADMIN_ALLOWED_IPS), path-scoped
// cookies under https, the role rule, and that another feature's plugin mounted under the console
// gets the address check and no-store too.
import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { adminRoutes, isConsoleUrl } from "../../src/identity/admin/admin-routes";
import type { AdminDeps } from "../../src/identity/admin/admin-deps";
import { mayAct } from "../../src/identity/admin/staff-guard";
import { createLogger } from "../../src/log/logger";
import { allowedIps, allowedIpsProblem } from "../../src/web/allowed-ips";
import { cookieName, hostCookiesOnly, readCookie, serializeCookie } from "../../src/web/cookies";

describe("ADMIN_ALLOWED_IPS", () => {
  test("addresses and CIDR ranges, IPv4 and IPv6, IPv4-mapped IPv6 included", () => {
    const allowed = allowedIps("203.0.113.0/24, 198.51.100.7 2001:db8::/32")!;
    expect(allowed("203.0.113.200")).toBe(true);
    expect(allowed("::ffff:203.0.113.9")).toBe(true);
    expect(allowed("198.51.100.7")).toBe(true);
    expect(allowed("198.51.100.8")).toBe(false);
    expect(allowed("2001:db8:1::5")).toBe(true);
    expect(allowed("2001:db9::1")).toBe(false);
    expect(allowed("unknown")).toBe(false);
    expect(allowedIps(undefined)).toBeNull();
  });
  test("a bad entry is named", () => {
    expect(allowedIpsProblem("10.0.0.0/33")).toContain("'10.0.0.0/33' is not an IP address or CIDR range");
    expect(allowedIpsProblem("example.org")).toContain("'example.org'");
    expect(allowedIpsProblem("10.0.0.0/8, ::1")).toBeUndefined();
  });
});

describe("the console's cookie under https", () => {
  test("Path=/admin makes it __Secure-, kept with its prefix: a reader of the plain name never sees it", () => {
    const set = serializeCookie("identity_admin", "v", { secure: true, path: "/admin" });
    expect(set).toStartWith("__Secure-identity_admin=v; Path=/admin; HttpOnly; SameSite=Lax; Secure");
    const header = hostCookiesOnly("__Secure-identity_admin=v; __Host-identity_session=s; identity_admin=planted");
    expect(readCookie(header, cookieName("identity_admin", true, "/admin"))).toBe("v");
    expect(readCookie(header, "identity_admin")).toBeUndefined();
    expect(readCookie(header, "identity_session")).toBe("s");
  });
});

test("admin includes support; support is not admin", () => {
  expect(mayAct("admin", "admin")).toBe(true);
  expect(mayAct("admin", "support")).toBe(true);
  expect(mayAct("support", "support")).toBe(true);
  expect(mayAct("support", "admin")).toBe(false);
});

test("isConsoleUrl", () => {
  expect(isConsoleUrl("http://localhost:4000/admin")).toBe(true);
  expect(isConsoleUrl("http://localhost:4000/admin/x?y")).toBe(true);
  expect(isConsoleUrl("http://localhost:4000/admin?q=1")).toBe(true);
  expect(isConsoleUrl("http://localhost:4000/administrator")).toBe(false);
  expect(isConsoleUrl("http://localhost:4000/token")).toBe(false);
});

describe("a plugin mounted under the console", () => {
  const extra = new Elysia().get("/admin/extra", () => new Response("extra", { headers: { "cache-control": "max-age=60" } }));
  const deps = (allowed: AdminDeps["allowedIps"]) =>
    ({ allowedIps: allowed, config: { TRUST_PROXY: true }, logger: createLogger({ level: "error", write: () => {} }), brand: { name: "Teacher ID", url: "http://localhost" } }) as unknown as AdminDeps;
  const request = (ip: string) => new Request("http://localhost/admin/extra", { headers: { "x-forwarded-for": ip } });

  test("gets no-store and the address check", async () => {
    const open = new Elysia().use(adminRoutes(deps(null), [extra]));
    const answered = await open.handle(request("198.51.100.1"));
    expect(await answered.text()).toBe("extra");
    expect(answered.headers.get("cache-control")).toBe("no-store");
    const restricted = new Elysia().use(adminRoutes(deps(allowedIps("203.0.113.0/24")), [extra]));
    expect((await restricted.handle(request("198.51.100.1"))).status).toBe(403);
    const inside = await restricted.handle(request("203.0.113.5"));
    expect(inside.status).toBe(200);
  });
});
