// The shared web layer, through a real HTTP server: headers, error pages, CSRF, /health.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../../src/db/open-database";
import { createLogger } from "../../src/log/logger";
import { createServiceApp } from "../../src/web/create-service-app";
import { CsrfField, Page } from "../../src/web/layout";
import { htmlResponse, seeOther } from "../../src/web/html";
import { readBodyText } from "../../src/web/request-body";
import { startTestSystem, type TestSystem } from "../helpers/system";

const saved: string[] = [];
const lockDir = mkdtempSync(join(tmpdir(), "web-layer-lock-"));
const lockedDb = { holder: openSqlite(join(lockDir, "db.sqlite")), writer: new Database(join(lockDir, "db.sqlite")) };
afterAll(() => {
  lockedDb.holder.close();
  lockedDb.writer.close();
  rmSync(lockDir, { recursive: true, force: true });
});
const logLines: string[] = [];
const brand = { name: "Test service", url: "http://127.0.0.1" };
const app = createServiceApp({
  service: "demo",
  brand,
  logger: createLogger({ write: (l) => logLines.push(l) }),
  secure: false,
  apiPrefixes: ["/api", "/token"],
  healthCheck: () => {},
})
  .get("/form", ({ csrfToken }) =>
    htmlResponse(
      <Page title="Form" brand={brand}>
        <form method="post" action="/form">
          <CsrfField token={csrfToken} />
          <input name="thing" />
        </form>
      </Page>,
    ),
  )
  .post("/form", ({ body }) => {
    saved.push((body as { thing: string }).thing);
    return seeOther("/form");
  })
  .post("/token", () => ({ ok: true }))
  .get("/boom", () => {
    throw new Error("secret internal detail");
  })
  .get("/api/boom", () => {
    throw new Error("secret internal detail");
  })
  .put("/api/write", () => {
    // A second connection with no busy timeout, while the test holds the write lock on the first.
    lockedDb.writer.run("BEGIN IMMEDIATE");
    lockedDb.writer.run("COMMIT");
    return { ok: true };
  })
  .listen({ hostname: "127.0.0.1", port: 0 });
const base = `http://127.0.0.1:${app.server!.port}`;
afterAll(() => app.stop());

function csrfFrom(response: Response): { cookie: string; token: string } {
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("demo_csrf="))!;
  const cookie = setCookie.split(";")[0];
  return { cookie, token: decodeURIComponent(cookie.split("=")[1]) };
}

describe("CSRF", () => {
  test("a form POST without the token is refused with a page and changes nothing", async () => {
    const page = await fetch(`${base}/form`);
    const { cookie } = csrfFrom(page);
    const response = await fetch(`${base}/form`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: "thing=hacked",
      redirect: "manual",
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("This form has expired");
    expect(saved).toEqual([]);
  });

  test("a page takes only a form body: text/plain, multipart, JSON or none at all is 415 and changes nothing", async () => {
    const { cookie, token } = csrfFrom(await fetch(`${base}/form`));
    const bodies: [string | undefined, string | undefined][] = [
      ["text/plain", `thing=hacked\r\n_csrf=${token}`],
      ["multipart/form-data; boundary=x", `--x\r\nContent-Disposition: form-data; name="thing"\r\n\r\nhacked\r\n--x--\r\n`],
      ["application/json", JSON.stringify({ thing: "hacked", _csrf: token })],
      ["application/octet-stream", "thing=hacked"],
      [undefined, undefined],
    ];
    for (const [type, body] of bodies) {
      const response = await fetch(`${base}/form`, {
        method: "POST",
        headers: type ? { "content-type": type, cookie } : { cookie },
        body,
        redirect: "manual",
      });
      expect({ type, status: response.status }).toEqual({ type, status: 415 });
      expect(await response.text()).toContain("Nothing has been saved");
    }
    expect(saved).toEqual([]);
  });

  test("a token from another browser is refused", async () => {
    const { cookie } = csrfFrom(await fetch(`${base}/form`));
    const { token: otherToken } = csrfFrom(await fetch(`${base}/form`));
    const response = await fetch(`${base}/form`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: `_csrf=${otherToken}&thing=hacked`,
      redirect: "manual",
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("This form has expired");
    expect(saved).toEqual([]);
  });

  test("the form's own token is accepted", async () => {
    const page = await fetch(`${base}/form`);
    const { cookie, token } = csrfFrom(page);
    expect(await page.text()).toContain(`name="_csrf" value="${token}"`);
    const response = await fetch(`${base}/form`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: `_csrf=${encodeURIComponent(token)}&thing=ok`,
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/form");
    expect(saved).toEqual(["ok"]);
  });

  test("the CSRF cookie is HttpOnly and SameSite=Lax", async () => {
    const setCookie = (await fetch(`${base}/form`)).headers.getSetCookie().join("\n");
    expect(setCookie).toMatch(/demo_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
  });

  test("API paths take form posts without a token (they are authenticated by the request, not a cookie)", async () => {
    const response = await fetch(`${base}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});

describe("errors", () => {
  test("an unknown page path gives the GOV.UK 404 page", async () => {
    const response = await fetch(`${base}/no-such-page`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("text/html");
    const body = await response.text();
    expect(body).toContain("Page not found");
    expect(body).toContain("govuk-header");
  });

  test("an unknown API path gives problem+json", async () => {
    const response = await fetch(`${base}/api/nothing`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ title: "Not found", status: 404 });
  });

  test("a write that finds the database busy past its timeout is 503 problem+json with Retry-After, not 500", async () => {
    lockedDb.holder.run("BEGIN IMMEDIATE");
    try {
      const busy = await fetch(`${base}/api/write`, { method: "PUT" });
      expect(busy.status).toBe(503);
      expect(busy.headers.get("retry-after")).toBe("5");
      expect(await busy.json()).toMatchObject({ status: 503, detail: expect.stringContaining("try again") });
    } finally {
      lockedDb.holder.run("ROLLBACK");
    }
    const free = await fetch(`${base}/api/write`, { method: "PUT" });
    expect(free.status).toBe(200);
    expect(await free.json()).toEqual({ ok: true });
  });

  test("a crash shows no internals, on pages or APIs", async () => {
    const page = await fetch(`${base}/boom`);
    expect(page.status).toBe(500);
    const pageBody = await page.text();
    expect(pageBody).toContain("Sorry, there is a problem with the service");
    expect(pageBody).not.toContain("secret internal detail");
    const api = await fetch(`${base}/api/boom`);
    expect(api.status).toBe(500);
    expect(JSON.stringify(await api.json())).not.toContain("secret internal detail");
  });
});

describe("/health", () => {
  test("is 503 problem+json, naming no internals, when the service's database cannot be read", async () => {
    const closed = new Database(":memory:");
    closed.close();
    const sick = createServiceApp({
      service: "sick",
      brand,
      logger: createLogger({ write: () => {} }),
      secure: false,
      apiPrefixes: [],
      healthCheck: () => closed.query("SELECT 1").get(),
    });
    const response = await sick.handle(new Request("http://localhost/health"));
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({ type: "about:blank", title: "Service unavailable", status: 503, detail: "sick cannot reach its database." });
  });
});

describe("request logs", () => {
  test("one JSON line per request, with the path but never the query string", async () => {
    logLines.length = 0;
    await fetch(`${base}/logged-page?trn_token=supersecretvalue`);
    // The line is written after the response is sent; wait for it rather than for a fixed time.
    const lines = () => logLines.map((l) => JSON.parse(l)).filter((e) => e.event === "request" && e.path === "/logged-page");
    for (let i = 0; i < 200 && lines().length === 0; i++) await Bun.sleep(10);
    await Bun.sleep(50);
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ method: "GET", path: "/logged-page", status: 404 });
    expect(logLines.join("\n")).not.toContain("supersecretvalue");
  });
});

describe("the three services", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(() => system.stop());

  test.each(["identity", "records", "access"] as const)("%s: /health is 200 and checks its database", async (name) => {
    const response = await fetch(`${system.urls[name]}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", service: name });
  });

  test.each(["identity", "records", "access"] as const)("%s: security headers on pages, APIs and 404s", async (name) => {
    for (const path of ["/", "/health", "/no-such-thing"]) {
      const response = await fetch(`${system.urls[name]}${path}`);
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  test.each(["identity", "records", "access"] as const)("%s: start page uses GOV.UK Frontend served from the service", async (name) => {
    const page = await (await fetch(`${system.urls[name]}/`)).text();
    expect(page).toContain('href="/assets/govuk-frontend.min.css"');
    expect(page).toContain('class="govuk-skip-link"');
    expect(page).toContain("govuk-phase-banner");
    const css = await fetch(`${system.urls[name]}/assets/govuk-frontend.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    const font = await fetch(`${system.urls[name]}/assets/fonts/bold-b542beb274-v2.woff2`);
    expect(font.status).toBe(200);
    expect((await font.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });

  test("records' unknown API paths get problem+json", async () => {
    const response = await fetch(`${system.urls.records}/v2/unknown`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("routes that read their raw body (rawBodyPaths)", () => {
  const handled: string[] = [];
  const rawApp = createServiceApp({
    service: "raw",
    brand,
    logger: createLogger({ write: () => {} }),
    secure: false,
    apiPrefixes: ["/api"],
    bodyLimits: { "/api/raw": 100 },
    rawBodyPaths: ["/api/raw"],
    healthCheck: () => {},
  })
    .post("/api/raw", async ({ body, request }) => {
      const text = await readBodyText(request);
      handled.push(text);
      return { parsed: typeof body === "object" && body !== null && !(body instanceof Uint8Array), text };
    })
    .listen({ hostname: "127.0.0.1", port: 0 });
  const rawBase = `http://127.0.0.1:${rawApp.server!.port}`;
  afterAll(() => rawApp.stop(true));

  test("the handler reads the body as sent; the web layer did not parse it", async () => {
    const response = await fetch(`${rawBase}/api/raw`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ parsed: false, text: '{"a":1}' });
  });

  test("a chunked body over the path's limit is still refused (413) before the handler runs", async () => {
    const before = handled.length;
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("x".repeat(50)));
        controller.close();
      },
    });
    const response = await fetch(`${rawBase}/api/raw`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(response.status).toBe(413);
    expect(handled.length).toBe(before);
  });

  test("a page cannot be a raw body path (its CSRF check reads the parsed form)", () => {
    expect(() =>
      createServiceApp({ service: "bad", brand, logger: createLogger({ write: () => {} }), secure: false, apiPrefixes: ["/api"], rawBodyPaths: ["/form"], healthCheck: () => {} }),
    ).toThrow("raw body path /form is not an API path");
  });
});
