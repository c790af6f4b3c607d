// The web layer's upload pages (createServiceApp's `uploadPages`), through a real HTTP server: a page
// that takes a file gets multipart/form-data with its CSRF token still checked, its own body limit
// and its own "too large" answer; every other page still takes only a plain form.
import { afterAll, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log/logger";
import { createServiceApp } from "../../src/web/create-service-app";
import { htmlResponse } from "../../src/web/html";
import { CsrfField, Page } from "../../src/web/layout";
import { largestBodyLimit } from "../../src/web/request-body";

const brand = { name: "Upload test", url: "http://127.0.0.1" };
const received: Record<string, unknown>[] = [];
const options = {
  service: "uploads",
  brand,
  logger: createLogger({ write: () => {} }),
  secure: false,
  apiPrefixes: ["/api"],
  healthCheck: () => {},
};
const app = createServiceApp({
  ...options,
  uploadPages: {
    "/upload": { limit: 4096, tooLarge: () => htmlResponse(<p>Your file is too large for this form</p>, 413) },
  },
})
  .get("/upload", ({ csrfToken }) =>
    htmlResponse(
      <Page title="Upload" brand={brand}>
        <form method="post" action="/upload" enctype="multipart/form-data">
          <CsrfField token={csrfToken} />
        </form>
      </Page>,
    ),
  )
  .post("/upload", ({ body }) => {
    received.push(body as Record<string, unknown>);
    return new Response("taken");
  })
  .post("/plain", ({ body }) => {
    received.push(body as Record<string, unknown>);
    return new Response("taken");
  })
  .listen({ hostname: "127.0.0.1", port: 0 });
const base = `http://127.0.0.1:${app.server!.port}`;
afterAll(() => app.stop(true));

/** A browser's CSRF cookie and the token its forms carry. */
async function csrf(): Promise<{ cookie: string; token: string }> {
  const page = await fetch(`${base}/upload`);
  const cookie = page.headers.getSetCookie()[0].split(";")[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  return { cookie, token };
}

function multipart(fields: Record<string, string>, files: [string, string][] = []): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, text] of files) form.append(name, new File([text], `${name}.txt`, { type: "text/plain" }));
  return form;
}

describe("upload pages", () => {
  test("a declared upload page takes multipart with its token: fields and files arrive, a repeated name as an array", async () => {
    const { cookie, token } = await csrf();
    received.length = 0;
    const response = await fetch(`${base}/upload`, {
      method: "POST",
      headers: { cookie },
      body: multipart({ _csrf: token, name: "Amelia" }, [["evidence", "one"], ["evidence", "two"]]),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("taken");
    const body = received[0];
    expect(body.name).toBe("Amelia");
    expect(Array.isArray(body.evidence)).toBe(true);
    expect(await Promise.all((body.evidence as File[]).map((f) => f.text()))).toEqual(["one", "two"]);
  });

  test("its CSRF token is still checked: none, a wrong one, or another origin is 403 and the handler never runs", async () => {
    const { cookie, token } = await csrf();
    received.length = 0;
    for (const [fields, headers] of [
      [{}, {}],
      [{ _csrf: "x".repeat(43) }, {}],
      [{ _csrf: token }, { origin: "http://127.0.0.1:1" }],
    ] as [Record<string, string>, Record<string, string>][]) {
      const response = await fetch(`${base}/upload`, { method: "POST", headers: { cookie, ...headers }, body: multipart(fields, [["evidence", "x"]]) });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("This form has expired");
    }
    expect(received).toEqual([]);
  });

  test("every other page still refuses multipart (415), token or not", async () => {
    const { cookie, token } = await csrf();
    received.length = 0;
    const response = await fetch(`${base}/plain`, { method: "POST", headers: { cookie }, body: multipart({ _csrf: token }) });
    expect(response.status).toBe(415);
    expect(received).toEqual([]);
  });

  test("over its own limit, declared or chunked, the page's own 'too large' answer comes back and the handler never runs", async () => {
    const { cookie, token } = await csrf();
    received.length = 0;
    const declared = await fetch(`${base}/upload`, {
      method: "POST",
      headers: { cookie },
      body: multipart({ _csrf: token }, [["evidence", "a".repeat(5000)]]),
    });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain("Your file is too large for this form");

    const form = new Response(multipart({ _csrf: token }, [["evidence", "a".repeat(5000)]]));
    const chunked = await fetch(`${base}/upload`, {
      method: "POST",
      headers: { cookie, "content-type": form.headers.get("content-type")! },
      body: form.body,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await chunked.text()).toContain("Your file is too large for this form");
    expect(received).toEqual([]);
  });

  test("a limit over largestBodyLimit is refused when the service is made (Bun's backstop would cut it short)", () => {
    expect(() => createServiceApp({ ...options, uploadPages: { "/big": { limit: largestBodyLimit + 1 } } })).toThrow("over largestBodyLimit");
    expect(() => createServiceApp({ ...options, bodyLimits: { "/api/big": largestBodyLimit + 1 } })).toThrow("over largestBodyLimit");
  });
});
