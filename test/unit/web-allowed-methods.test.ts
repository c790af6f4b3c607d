// The method table behind 405 / Allow / OPTIONS (src/web/allowed-methods.ts), read from an app's routes.
import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { allowedMethods, routeMethods } from "../../src/web/allowed-methods";

describe("routeMethods", () => {
  test("groups routes by path, adds HEAD with GET and OPTIONS everywhere, in RFC 9110's order", () => {
    const routes = [
      { method: "PUT", path: "/v2/teachers/:trn/itt-outcome" },
      { method: "POST", path: "/v2/teachers/:trn/itt-outcome" },
      { method: "POST", path: "/register" },
      { method: "GET", path: "/register" },
    ];
    expect(routeMethods(routes, ["/assets/site.css"])).toEqual([
      { path: "/v2/teachers/:trn/itt-outcome", methods: ["POST", "PUT", "OPTIONS"] },
      { path: "/register", methods: ["GET", "HEAD", "POST", "OPTIONS"] },
      { path: "/assets/site.css", methods: ["GET", "HEAD", "OPTIONS"] },
    ]);
  });

  test("an ALL route answers every method", () => {
    expect(routeMethods([{ method: "ALL", path: "/any" }])[0].methods).toEqual(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
  });
});

describe("allowedMethods", () => {
  const table = allowedMethods(() => [
    { method: "GET", path: "/" },
    { method: "GET", path: "/v2/teachers/:trn" },
    { method: "PUT", path: "/v2/teachers/:trn/itt-outcome" },
    { method: "GET", path: "/files/*" },
    { method: "GET", path: "/maybe/:id?" },
  ]);

  test("matches parameters as one segment, * as the rest, an optional parameter as present or not", () => {
    expect(table.allowFor("/")).toBe("GET, HEAD, OPTIONS");
    expect(table.allowFor("/v2/teachers/1234567")).toBe("GET, HEAD, OPTIONS");
    expect(table.allowFor("/v2/teachers/1234567/itt-outcome")).toBe("PUT, OPTIONS");
    expect(table.allowFor("/v2/teachers/1234567/itt-outcome/")).toBe("PUT, OPTIONS");
    expect(table.allowFor("/files/a/b.css")).toBe("GET, HEAD, OPTIONS");
    expect(table.allowFor("/maybe")).toBe("GET, HEAD, OPTIONS");
    expect(table.allowFor("/maybe/1")).toBe("GET, HEAD, OPTIONS");
  });

  test("an unknown path, or one segment too many or too few, has no Allow", () => {
    for (const path of ["/nope", "/v2/teachers", "/v2/teachers/1/itt-outcome/x", "/v2/teachers//itt-outcome", "/maybe/1/2"]) {
      expect({ path, allow: table.allowFor(path) }).toEqual({ path, allow: undefined });
    }
  });

  test("answers() says whether a route takes the method there", () => {
    expect(table.answers("PUT", "/v2/teachers/1/itt-outcome")).toBe(true);
    expect(table.answers("POST", "/v2/teachers/1/itt-outcome")).toBe(false);
    expect(table.answers("HEAD", "/")).toBe(true);
    expect(table.answers("GET", "/nope")).toBe(false);
  });

  test("a path a route names exactly answers that route's methods, though a parameter route's pattern fits it too", () => {
    const both = allowedMethods(() => [
      { method: "GET", path: "/v2/teachers/:trn" },
      { method: "POST", path: "/v2/teachers/find" },
    ]);
    expect(both.allowFor("/v2/teachers/find")).toBe("POST, OPTIONS");
    expect(both.answers("GET", "/v2/teachers/find")).toBe(false);
    expect(both.allowFor("/v2/teachers/1234567")).toBe("GET, HEAD, OPTIONS");
  });

  test("sees routes an Elysia app gains after the table was made", () => {
    const app = new Elysia().get("/first", () => "1");
    const late = allowedMethods(() => app.routes);
    expect(late.allowFor("/second")).toBeUndefined();
    app.post("/second", () => "2").use(new Elysia().delete("/first", () => "gone"));
    expect(late.allowFor("/second")).toBe("POST, OPTIONS");
    expect(late.allowFor("/first")).toBe("GET, HEAD, DELETE, OPTIONS");
  });
});
