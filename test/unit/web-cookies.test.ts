// Issue "Close the holes a security review found", Info: cookies get the __Host- prefix under https,
// and under https no code can read an unprefixed cookie (which another host or an http page could
// have planted) in place of the real one.
import { describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log/logger";
import { clearCookie, cookieName, hostCookiesOnly, readCookie, serializeCookie } from "../../src/web/cookies";
import { createServiceApp } from "../../src/web/create-service-app";

describe("Info (__Host- cookies): serializing", () => {
  test("under https the name gets __Host-, with Secure, Path=/ and no Domain", () => {
    const cookie = serializeCookie("identity_session", "v a/l", { secure: true, maxAgeSeconds: 60 });
    expect(cookie).toBe("__Host-identity_session=v%20a%2Fl; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=60");
    expect(cookie).not.toContain("Domain");
    expect(clearCookie("identity_session", { secure: true })).toBe("__Host-identity_session=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0");
    expect(cookieName("access_csrf", true)).toBe("__Host-access_csrf");
  });

  test("under http (development on localhost) the name stays as it is, without Secure", () => {
    expect(serializeCookie("identity_session", "v", { secure: false })).toBe("identity_session=v; Path=/; HttpOnly; SameSite=Lax");
    expect(cookieName("access_csrf", false)).toBe("access_csrf");
  });
});

describe("Info (__Host- cookies): reading", () => {
  test("an https request's Cookie header keeps only __Host- cookies, named as code names them", () => {
    const header = "identity_session=planted; __Host-identity_session=real; other=x; __Host-access_csrf=tok";
    expect(hostCookiesOnly(header)).toBe("identity_session=real; access_csrf=tok");
    expect(readCookie(hostCookiesOnly(header), "identity_session")).toBe("real");
    expect(readCookie(hostCookiesOnly("identity_session=planted"), "identity_session")).toBeUndefined();
  });

  test("what a service sets under https, it reads back; what it would set under http, it ignores", async () => {
    for (const secure of [true, false]) {
      const app = createServiceApp({
        service: "demo",
        brand: { name: "Demo", url: secure ? "https://demo.example" : "http://127.0.0.1" },
        logger: createLogger({ write: () => {} }),
        secure,
        apiPrefixes: [],
        healthCheck: () => {},
      }).get("/who", ({ request }) => readCookie(request.headers.get("cookie"), "demo_session") ?? "nobody");
      const sent = (cookie: string) =>
        app.handle(new Request("http://localhost/who", { headers: { cookie } })).then((r) => r.text());
      // The browser sends back the name it was given.
      const given = serializeCookie("demo_session", "mine", { secure }).split(";")[0];
      expect(await sent(given)).toBe("mine");
      // A plantable, unprefixed cookie counts only under http.
      expect(await sent("demo_session=planted")).toBe(secure ? "nobody" : "planted");
      // The CSRF cookie the service issues follows the same rule.
      const issued = (await app.handle(new Request("http://localhost/who"))).headers.getSetCookie().join("\n");
      expect(issued).toMatch(secure ? /^__Host-demo_csrf=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/ : /^demo_csrf=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    }
  });
});
