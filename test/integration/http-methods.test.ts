// Issue 18, "Methods": every route of every service, read from the apps themselves, is tried over
// real HTTP with every method a client might send. Each answer is the route's own, or 405 with a
// correct `Allow` (problem+json on APIs, a GOV.UK page on pages); HEAD answers as GET does without a
// body; OPTIONS answers 204 with `Allow`. Never 404, never a 5xx.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AnyElysia } from "elysia";
import { serviceNames, type ServiceName } from "../../src/config/config";
import { httpMethods } from "../../src/web/allowed-methods";
import { servedRoutes } from "../../src/web/create-service-app";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.stop();
});

const appOf = (service: ServiceName) => system.system.apps[service] as AnyElysia;

/**
 * The methods a path answers, worked out here from the app's raw route list (not by the code under
 * test): its routes' methods, HEAD wherever GET is, OPTIONS everywhere, in the order RFC 9110 lists them.
 */
function expectedAllow(service: ServiceName, pattern: string): string {
  const methods = new Set(appOf(service).routes.filter((r) => r.path === pattern).map((r) => r.method));
  if (pattern.startsWith("/assets/")) methods.add("GET");
  if (methods.has("GET")) methods.add("HEAD");
  methods.add("OPTIONS");
  return httpMethods.filter((m) => methods.has(m)).join(", ");
}

/** A real address for a route pattern: a TRN for `:trn`, a made-up value for any other parameter. */
const concretePath = (pattern: string) => pattern.replace(":trn", "1234567").replace(/:(\w+)/g, "walk-$1").replace("*", "walk");

const withBody = new Set(["POST", "PUT", "PATCH", "DELETE"]);

async function send(service: ServiceName, method: string, path: string, init: RequestInit = {}) {
  const response = await fetch(system.urls[service] + path, {
    method,
    redirect: "manual",
    // A JSON body: a page's CSRF check would refuse it with 415 if it ran before the method check.
    ...(withBody.has(method) ? { headers: { "content-type": "application/json" }, body: "{}" } : {}),
    ...init,
  });
  return { response, text: await response.text() };
}

describe("every route, every method", () => {
  test("the apps list the routes the issue names (so the walk below covers something)", () => {
    const listed = (service: ServiceName) => servedRoutes(appOf(service)).map((r) => `${r.methods.join(",")} ${r.path}`);
    expect(listed("records")).toContain("POST,PUT,OPTIONS /v2/teachers/:trn/itt-outcome");
    expect(listed("identity")).toContain("POST,OPTIONS /trn-tokens");
    expect(listed("identity")).toContain("POST,OPTIONS /token");
    expect(listed("identity")).toContain("GET,HEAD,POST,OPTIONS /register");
    expect(listed("access")).toContain("GET,HEAD,POST,OPTIONS /sign-out");
    for (const service of serviceNames) expect(listed(service)).toContain("GET,HEAD,OPTIONS /health");
    // Which are JSON APIs (problem+json) and which are pages, as each service declared them.
    const kind = (service: ServiceName, path: string) => servedRoutes(appOf(service)).find((r) => r.path === path)?.api;
    expect([kind("identity", "/trn-tokens"), kind("identity", "/token"), kind("records", "/v2/teachers/:trn"), kind("records", "/health")]).toEqual([true, true, true, true]);
    expect([kind("identity", "/register"), kind("records", "/"), kind("access", "/sign-out")]).toEqual([false, false, false]);
  });

  for (const service of serviceNames) {
    test(`${service}: each answer is the route's own, or 405 with Allow; HEAD as GET; OPTIONS 204`, async () => {
      const routes = servedRoutes(appOf(service));
      expect(routes.length).toBeGreaterThan(10);
      let walked = 0;
      for (const route of routes) {
        const path = concretePath(route.path);
        const allow = expectedAllow(service, route.path);
        expect({ path, allow: route.methods.join(", ") }).toEqual({ path, allow });
        const api = route.api;
        const get = route.methods.includes("GET") ? await send(service, "GET", path) : undefined;
        for (const method of httpMethods) {
          const { response, text } = await send(service, method, path);
          walked++;
          const seen = { service, method, path, status: response.status };
          expect(response.status).toBeLessThan(500);
          // One route's own answer is a 404: /check/{code} for a code no certificate has.
          const unknownCertificate = route.path === "/check/:code" && (method === "GET" || method === "HEAD");
          if (!unknownCertificate) expect(response.status).not.toBe(404);
          else if (method === "GET") expect(text).toContain("We cannot find this certificate");
          // Every answer carries the web layer's headers, refusals included.
          expect(response.headers.get("x-content-type-options")).toBe("nosniff");
          if (method === "OPTIONS") {
            expect(seen).toEqual({ ...seen, status: 204 });
            expect(response.headers.get("allow")).toBe(allow);
            expect(text).toBe("");
          } else if (method === "HEAD" && get) {
            expect(seen).toEqual({ ...seen, status: get.response.status });
            expect(response.headers.get("content-type")).toBe(get.response.headers.get("content-type"));
            expect(text).toBe("");
          } else if (route.methods.includes(method)) {
            // The route's own answer (e.g. 401 without a token, 400 without parameters, 415 for a
            // page sent JSON): anything but a refusal of the method.
            expect(seen.status).not.toBe(405);
          } else {
            expect(seen).toEqual({ ...seen, status: 405 });
            expect(response.headers.get("allow")).toBe(allow);
            if (method === "HEAD") expect(text).toBe("");
            else if (api) {
              expect(response.headers.get("content-type")).toBe("application/problem+json");
              expect(JSON.parse(text)).toMatchObject({ title: "Method not allowed", status: 405, detail: `This address accepts ${allow}.` });
            } else {
              expect(response.headers.get("content-type")).toContain("text/html");
              expect(text).toContain('class="govuk-template');
              expect(text).toContain("Sorry, this page cannot be used in that way");
            }
          }
        }
      }
      expect(walked).toBe(routes.length * httpMethods.length);
    });
  }
});

describe("405 comes before the checks on bodies", () => {
  const bigForm = `_csrf=x&name=${"a".repeat(20 * 1024)}`;

  test("a wrong method with a cross-site form, or a body over the limit, is 405, not 403 or 413", async () => {
    const crossSite = { origin: "https://attacker.example", "sec-fetch-site": "cross-site", "content-type": "application/x-www-form-urlencoded" };
    const tries: [ServiceName, string, string, RequestInit][] = [
      ["identity", "PUT", "/register", { headers: crossSite, body: "_csrf=x" }],
      ["identity", "DELETE", "/sign-in", { headers: crossSite, body: "_csrf=x" }],
      ["access", "PATCH", "/sign-out", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: bigForm }],
      ["identity", "PUT", "/trn-tokens", { headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "a".repeat(20 * 1024) }) }],
      ["records", "DELETE", "/", { headers: { "content-type": "text/plain" }, body: "x" }],
    ];
    for (const [service, method, path, init] of tries) {
      const { response } = await send(service, method, path, init);
      expect({ service, method, path, status: response.status }).toEqual({ service, method, path, status: 405 });
      expect(response.headers.get("allow")).toBe(expectedAllow(service, path));
    }
  });

  test("the same requests with the route's own method are still refused as before (403, 413, 415)", async () => {
    const crossSite = { origin: "https://attacker.example", "sec-fetch-site": "cross-site", "content-type": "application/x-www-form-urlencoded" };
    expect((await send("identity", "POST", "/register", { headers: crossSite, body: "_csrf=x" })).response.status).toBe(403);
    expect(
      (await send("access", "POST", "/sign-out", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: bigForm })).response.status,
    ).toBe(413);
    const tooBig = JSON.stringify({ trn: "1234567", email: "a@example.com", pad: "a".repeat(20 * 1024) });
    const api = await send("identity", "POST", "/trn-tokens", { headers: { "content-type": "application/json" }, body: tooBig });
    expect(api.response.status).toBe(413);
    expect(api.response.headers.get("content-type")).toBe("application/problem+json");
    expect((await send("identity", "POST", "/register")).response.status).toBe(415);
  });
});

describe("addresses no route has", () => {
  test("are 404 with every method (OPTIONS too), as a page or as problem+json under an API path", async () => {
    for (const method of httpMethods) {
      const page = await send("access", method, "/no-such-page");
      expect({ method, status: page.response.status, allow: page.response.headers.get("allow") }).toEqual({ method, status: 404, allow: null });
      if (method !== "HEAD") expect(page.text).toContain("Page not found");
      const api = await send("records", method, "/v2/no-such-thing");
      expect({ method, status: api.response.status }).toEqual({ method, status: 404 });
      if (method !== "HEAD") expect(JSON.parse(api.text)).toMatchObject({ title: "Not found", status: 404 });
    }
  });

  test("a path one segment longer than a route is not that route", async () => {
    const { response } = await send("records", "POST", "/v2/teachers/1234567/itt-outcome/extra");
    expect(response.status).toBe(404);
    expect(response.headers.get("allow")).toBeNull();
  });
});

describe("HEAD", () => {
  test("answers with GET's status and headers and no body", async () => {
    for (const [service, path] of [
      ["identity", "/.well-known/openid-configuration"],
      ["records", "/dev/mailbox"],
      ["access", "/assets/govuk-frontend.min.css"],
    ] as [ServiceName, string][]) {
      const get = await send(service, "GET", path);
      const head = await send(service, "HEAD", path);
      expect(head.response.status).toBe(200);
      expect(head.text).toBe("");
      expect(get.text.length).toBeGreaterThan(0);
      for (const name of ["content-type", "cache-control", "content-security-policy"]) {
        expect({ path, name, value: head.response.headers.get(name) }).toEqual({ path, name, value: get.response.headers.get(name) });
      }
    }
  });
});
