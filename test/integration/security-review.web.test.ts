// Issue "Close the holes a security review found": the web-layer items, each attacked as the review
// did, against the built binary over HTTP. A teacher registers through a real magic link first, so
// the attacks aim at real sessions; after each one the test shows the session still works.
//
// Items: 1 (CSRF fails closed), 2 (bounded bodies), 6 (the "form expired" page stays on site), and
// from "Info": __Host- cookies (unit-tested in test/unit/web-cookies.test.ts), CSP form-action,
// a repeated query parameter, and PUT itt-outcome's Content-Type.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { csrfFieldIn, HttpBrowser } from "../helpers/access-http-browser";
import { freePort } from "../helpers/ports";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

/** Teachers in training, imported before serve starts; each test that needs an account registers its own. */
const teachers = Array.from({ length: 8 }, (_, i) => ({
  trn: String(2930001 + i),
  firstName: "Robin",
  lastName: `Tester${i}`,
  dateOfBirth: "1992-02-1" + i,
  email: `robin.tester${i}@example.com`,
}));
let unused = 0;
const nextTeacher = () => teachers[unused++];

let served: ServedBinary;
let apiClient: { id: string; secret: string };

beforeAll(async () => {
  served = await serveBinary({
    beforeStart: (run, dir) => {
      const csv = join(dir, "teachers.csv");
      writeFileSync(
        csv,
        "trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_subjects,itt_result\n" +
          teachers.map((t) => `${t.trn},${t.firstName},${t.lastName},${t.dateOfBirth},${t.email},10000001,Test SCITT,Primary,InTraining\n`).join(""),
      );
      const imported = run(["records", "import", csv]);
      if (imported.code !== 0) throw new Error(`records import failed: ${imported.stderr}${imported.stdout}`);
    },
  });
  // An awarding service that records outcomes and reads records.
  const added = served.run([
    "identity", "clients", "add", "--name", "Security review", "--client-id", "security-review",
    "--grant-types", "client_credentials", "--scopes", "itt_outcome:write,teachers:read",
  ]);
  const secret = /client_secret:\s+(\S+)/.exec(added.stdout)?.[1];
  if (added.code !== 0 || !secret) throw new Error(`clients add failed: ${added.stderr}${added.stdout}`);
  apiClient = { id: "security-review", secret };
}, 30_000);
afterAll(async () => {
  await served?.stop();
});

const basic = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`;

async function apiToken(scope: string): Promise<string> {
  const response = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: { authorization: basic(apiClient.id, apiClient.secret), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

type Teacher = (typeof teachers)[number];

/** Records a Pass, as an awarding service does; the invitation email (dev mailbox) holds the link. */
async function magicLinkFor(teacher: Teacher): Promise<string> {
  const response = await fetch(`${served.urls.records}/v2/teachers/${teacher.trn}/itt-outcome?birthdate=${teacher.dateOfBirth}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${await apiToken("itt_outcome:write")}`, "content-type": "application/json" },
    body: JSON.stringify({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" }),
  });
  expect(response.status).toBe(200);
  for (let i = 0; i < 400; i++) {
    const [email] = readDevMailbox(served.dataDir, { to: teacher.email }).filter((m) => m.channel === "email");
    const link = email && /https?:\/\/\S+\/register\?trn_token=[\w-]+/.exec(email.text)?.[0];
    if (link) return link;
    await Bun.sleep(25);
  }
  throw new Error(`no invitation email to ${teacher.email}`);
}

/** Posts the form on `page` (its own CSRF token) as a browser would, and follows the redirects. */
async function submit(browser: HttpBrowser, action: string, pageHtml: string, fields: Record<string, string> = {}) {
  const { response, url } = await browser.submit(action, { _csrf: csrfFieldIn(pageHtml), ...fields });
  return { status: response.status, url, html: await response.text() };
}

/** A teacher registers through their link, without a phone, and lands on access signed in (at identity too). */
async function registeredTeacher(): Promise<{ browser: HttpBrowser; teacher: Teacher }> {
  const teacher = nextTeacher();
  const browser = new HttpBrowser();
  const identity = served.urls.identity;
  const opened = await browser.follow(await magicLinkFor(teacher));
  expect(opened.url).toBe(`${identity}/register?started=1`);
  let page = await submit(browser, `${identity}/register`, await opened.response.text());
  expect(page.url).toBe(`${identity}/register/phone`);
  page = await submit(browser, `${identity}/register/phone`, page.html, { noPhone: "yes" });
  expect(page.url).toBe(`${identity}/register/preferred-name`);
  page = await submit(browser, `${identity}/register/preferred-name`, page.html, { choice: "0" });
  expect(page.url).toBe(`${identity}/register/check-answers`);
  page = await submit(browser, `${identity}/register/check-answers`, page.html);
  expect(page.url).toBe(`${served.urls.access}/qualifications`);
  expect(page.html).toContain(`${teacher.firstName} ${teacher.lastName}`);
  return { browser, teacher };
}

/** True while the browser's identity session signs it in with no questions (prompt=none gets a code). */
async function identitySessionWorks(browser: HttpBrowser): Promise<boolean> {
  const params = new URLSearchParams({
    response_type: "code",
    client_id: "access-service",
    redirect_uri: `${served.urls.access}/sign-in/callback`,
    scope: "openid",
    state: "state-for-the-check",
    nonce: "nonce-for-the-check",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
    prompt: "none",
  });
  const response = await browser.request(`${served.urls.identity}/authorize?${params}`);
  const location = new URL(response.headers.get("location") ?? "about:blank");
  if (location.searchParams.get("error") === "login_required") return false;
  if (location.searchParams.get("code")) return true;
  throw new Error(`unexpected answer from /authorize: ${response.status} ${location}`);
}

/** True while the browser's access session shows the teacher their qualifications. */
async function accessSessionWorks(browser: HttpBrowser, teacher: Teacher): Promise<boolean> {
  const response = await browser.request(`${served.urls.access}/qualifications`);
  if (response.status === 302) return false;
  expect(response.status).toBe(200);
  expect(await response.text()).toContain(`${teacher.firstName} ${teacher.lastName}`);
  return true;
}

/** A page on another port of the same host: same-site for SameSite=Lax, so the browser sends the cookies. */
const otherPortOrigin = `http://127.0.0.1:${freePort()}`;
const fromOtherPort = { origin: otherPortOrigin, "sec-fetch-site": "same-site" };

describe("item 1: CSRF fails closed", () => {
  test("item 1: a POST with no Content-Type to /end-session changes nothing: the teacher is still signed in", async () => {
    const { browser } = await registeredTeacher();
    expect(await identitySessionWorks(browser)).toBe(true);
    const attempts: Record<string, string>[] = [{}, fromOtherPort, { "content-type": "application/octet-stream" }];
    for (const headers of attempts) {
      const response = await browser.request(`${served.urls.identity}/end-session`, { method: "POST", headers });
      expect(response.status).toBe(415);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(await response.text()).toContain("Nothing has been saved");
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await identitySessionWorks(browser)).toBe(true);
  });

  test("item 1: access POST /sign-out with no Content-Type, or JSON, changes nothing: the session still works", async () => {
    const { browser, teacher } = await registeredTeacher();
    for (const init of [
      { method: "POST" },
      { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
      { method: "POST", headers: { "content-type": "text/plain", ...fromOtherPort }, body: "x=1" },
    ]) {
      const response = await browser.request(`${served.urls.access}/sign-out`, init);
      expect(response.status).toBe(415);
      expect(await response.text()).toContain("Nothing has been saved");
    }
    expect(await accessSessionWorks(browser, teacher)).toBe(true);
    expect(await identitySessionWorks(browser)).toBe(true);
  });

  test("item 1: POST /register/choose-account with a JSON body changes nothing: the identity session survives", async () => {
    // Signed in as one teacher, the browser opens another teacher's link: identity asks which account.
    const { browser } = await registeredTeacher();
    const other = nextTeacher();
    const opened = await browser.follow(await magicLinkFor(other));
    expect(opened.url).toBe(`${served.urls.identity}/register?started=1`);
    expect(await opened.response.text()).toContain("Which account do you want to use?");

    const response = await browser.request(`${served.urls.identity}/register/choose-account`, {
      method: "POST",
      headers: { "content-type": "application/json", ...fromOtherPort },
      body: JSON.stringify({ account: "link" }),
    });
    expect(response.status).toBe(415);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await identitySessionWorks(browser)).toBe(true);
    // The journey is where it was: still asking which account.
    const again = await browser.follow(`${served.urls.identity}/register`);
    expect(await again.response.text()).toContain("Which account do you want to use?");
  });

  test("item 1: a page on another port, or another site, is refused even with a form and the right token", async () => {
    const { browser, teacher } = await registeredTeacher();
    const token = decodeURIComponent(browser.cookies.get("access_csrf")!);
    const attempts: Record<string, string>[] = [
      { origin: otherPortOrigin }, // same-site: another port of localhost (a sibling subdomain in production)
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site", origin: "null" },
    ];
    for (const headers of attempts) {
      const response = await browser.request(`${served.urls.access}/sign-out`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ _csrf: token }),
      });
      expect({ headers, status: response.status }).toEqual({ headers, status: 403 });
      expect(await response.text()).toContain("This form has expired");
    }
    expect(await accessSessionWorks(browser, teacher)).toBe(true);
  });

  test("item 1: a browser's own form post still works (Origin null, as Chromium sends under no-referrer, or its own origin)", async () => {
    const { browser, teacher } = await registeredTeacher();
    // Sign out as the teacher does: access sends the browser to identity, which asks to confirm.
    const confirm = await browser.follow(`${served.urls.access}/sign-out`);
    expect(new URL(confirm.url).pathname).toBe("/end-session");
    const html = await confirm.response.text();
    expect(html).toContain("Sign out of Teacher ID");
    const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const { response, url } = await browser.follow(`${served.urls.identity}/end-session`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "null", "sec-fetch-site": "same-origin" },
      body: new URLSearchParams(fields),
    });
    expect(url).toStartWith(`${served.urls.access}/signed-out`);
    expect(await response.text()).toContain("You have signed out");
    expect(await identitySessionWorks(browser)).toBe(false);
    expect(await accessSessionWorks(browser, teacher)).toBe(false);

    // A form with the service's own origin, at access this time (the sign-in link page's form is GET; use sign-out's).
    const second = await registeredTeacher();
    const token = decodeURIComponent(second.browser.cookies.get("access_csrf")!);
    const signedOut = await second.browser.request(`${served.urls.access}/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: served.urls.access, "sec-fetch-site": "same-origin" },
      body: new URLSearchParams({ _csrf: token }),
    });
    expect(signedOut.status).toBe(303);
    expect(await accessSessionWorks(second.browser, second.teacher)).toBe(false);
  });

  test("item 1: a form-type POST to an API gets JSON (problem+json, or OAuth's error JSON), never the CSRF page", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded", ...fromOtherPort };
    const cases: [string, string, string][] = [
      ["POST", `${served.urls.identity}/token`, "application/json"],
      ["POST", `${served.urls.identity}/revoke`, "application/json"],
      ["POST", `${served.urls.identity}/userinfo`, "application/problem+json"],
      ["POST", `${served.urls.identity}/trn-tokens`, "application/problem+json"],
      ["PUT", `${served.urls.records}/v2/teachers/${teachers[0].trn}/itt-outcome?birthdate=${teachers[0].dateOfBirth}`, "application/problem+json"],
    ];
    for (const [method, url, type] of cases) {
      const response = await fetch(url, { method, headers: form, body: "grant_type=client_credentials&outcome=Pass" });
      const body = await response.text();
      expect({ url, status: response.status, type: response.headers.get("content-type") }).toEqual({ url, status: 401, type });
      expect(body).not.toContain("This form has expired");
      expect(() => JSON.parse(body)).not.toThrow();
    }
  });
});

/** VmRSS of the serve process, in bytes. */
function serveRss(): number {
  const status = readFileSync(`/proc/${served.process.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/**
 * Sends a request's head over a raw socket and waits for an answer; only if none comes does it send
 * `bodyBytes` of body (what a server that reads first would take in). Returns the status line.
 */
function rawRequest(port: number, head: string, bodyBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    let sent = false;
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(head);
      setTimeout(() => {
        if (answer || sent) return;
        sent = true;
        const chunk = Buffer.alloc(64 * 1024, "a");
        let left = bodyBytes;
        const pump = () => {
          while (left > 0) {
            left -= chunk.length;
            if (!socket.write(left >= 0 ? chunk : chunk.subarray(0, chunk.length + left))) return void socket.once("drain", pump);
          }
        };
        pump();
      }, 1_000);
    });
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      if (answer.includes("\r\n")) {
        resolve(answer.slice(0, answer.indexOf("\r\n")));
        socket.destroy();
      }
    });
    socket.on("error", (error) => (answer ? resolve(answer) : reject(error)));
    setTimeout(() => reject(new Error(`no answer (sent body: ${sent})`)), 20_000);
  });
}

const chunked = (bytes: number, text = "a") =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      const chunk = new TextEncoder().encode(text.repeat(16 * 1024));
      for (let left = bytes; left > 0; left -= chunk.length) controller.enqueue(left >= chunk.length ? chunk : chunk.subarray(0, left));
      controller.close();
    },
  });

describe("item 2: request bodies are bounded before authentication", () => {
  test("item 2: a 100 MB Content-Length to /token is refused with 413 before the body is read; serve's memory does not grow", async () => {
    const before = serveRss();
    const port = Number(new URL(served.urls.identity).port);
    const status = await rawRequest(
      port,
      "POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\n",
      100_000_000,
    );
    expect(status).toStartWith("HTTP/1.1 413");
    expect(serveRss() - before).toBeLessThan(50 * 1024 * 1024);
    expect((await fetch(`${served.urls.identity}/health`)).status).toBe(200);
  }, 30_000);

  test("item 2: a body over /token's limit is 413 problem+json, refused by its Content-Length", async () => {
    const response = await fetch(`${served.urls.identity}/token`, {
      method: "POST",
      headers: { authorization: basic(apiClient.id, apiClient.secret), "content-type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&scope=teachers:read&padding=${"a".repeat(20 * 1024)}`,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 413, detail: "The request body must be 16384 bytes or fewer." });
  });

  test("item 2: a chunked 1 MB body to records' PUT itt-outcome is 413 before the bearer token is checked", async () => {
    const trn = teachers[0];
    for (const authorization of [undefined, `Bearer ${await apiToken("itt_outcome:write")}`]) {
      const response = await fetch(`${served.urls.records}/v2/teachers/${trn.trn}/itt-outcome?birthdate=${trn.dateOfBirth}`, {
        method: "PUT",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: chunked(1_000_000, " "),
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(((await response.json()) as { status: number }).status).toBe(413);
    }
  });

  test("item 2: a chunked body within the limit still works (/token counts it and answers)", async () => {
    const response = await fetch(`${served.urls.identity}/token`, {
      method: "POST",
      headers: { authorization: basic(apiClient.id, apiClient.secret), "content-type": "application/x-www-form-urlencoded" },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("grant_type=client_credentials"));
          controller.enqueue(new TextEncoder().encode("&scope=teachers:read"));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(response.headers.get("content-length")).not.toBeNull();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { token_type: string }).token_type).toBe("Bearer");
  });

  test("item 2: a page's form over its limit, declared or chunked, gets a GOV.UK 413 page", async () => {
    const big = `email=${"a".repeat(20 * 1024)}%40example.com`;
    for (const body of [big, chunked(20 * 1024)]) {
      const response = await fetch(`${served.urls.identity}/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(response.headers.get("content-type")).toContain("text/html");
      const html = await response.text();
      expect(html).toContain("What you sent was too large");
      expect(html).toContain("govuk-header");
    }
  });
});

describe("item 6: the \"form expired\" page links only to its own service", () => {
  test("item 6: a Referer that only starts like the service's address (user@host, or a longer host name) is not linked", async () => {
    const identity = served.urls.identity;
    const attempt = (referer: string) =>
      fetch(`${identity}/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", referer },
        body: "email=someone%40example.com",
      });
    for (const referer of [`${identity}@evil.example/`, `${identity}.evil.example/`]) {
      const response = await attempt(referer);
      expect(response.status).toBe(403);
      const html = await response.text();
      expect(html).toContain("This form has expired");
      expect(html).not.toContain("evil.example");
      expect(html).toContain(`href="${identity}"`);
    }
    // The service's own page is linked back to.
    const html = await (await attempt(`${identity}/sign-in`)).text();
    expect(html).toContain(`href="${identity}/sign-in"`);
  });
});

const formAction = (response: Response) => /form-action ([^;]+)/.exec(response.headers.get("content-security-policy") ?? "")?.[1];

describe("Info: CSP form-action lists exact origins", () => {
  test("Info (CSP form-action): each service allows itself and only where its forms' answers go", async () => {
    const { identity, records, access } = served.urls;
    expect(formAction(await fetch(`${identity}/sign-in`))).toBe(`'self' ${access}`);
    expect(formAction(await fetch(`${access}/`))).toBe(`'self' ${identity}`);
    expect(formAction(await fetch(`${records}/`))).toBe("'self'");

    // A client registered while serve runs: identity's forms may now return to it.
    const clientOrigin = `http://127.0.0.1:${freePort()}`;
    const added = served.run([
      "identity", "clients", "add", "--name", "Another service", "--client-id", "another-service",
      "--grant-types", "authorization_code", "--scopes", "openid", "--redirect-uri", `${clientOrigin}/callback`,
    ]);
    expect(added.code).toBe(0);
    let allowed: string | undefined;
    for (let i = 0; i < 100 && !allowed?.includes(clientOrigin); i++) {
      allowed = formAction(await fetch(`${identity}/sign-in`));
      if (!allowed?.includes(clientOrigin)) await Bun.sleep(10);
    }
    expect(allowed).toBe(`'self' ${access} ${clientOrigin}`);
  });
});

describe("Info: records' query and body types", () => {
  test("Info (repeated query parameter): two birthdates are a 400 with errors, on GET and PUT, and nothing is recorded", async () => {
    const teacher = teachers[teachers.length - 1];
    const query = `birthdate=${teacher.dateOfBirth}&birthdate=2001-01-01`;
    const read = await fetch(`${served.urls.records}/v2/teachers/${teacher.trn}?${query}`, {
      headers: { authorization: `Bearer ${await apiToken("teachers:read")}` },
    });
    expect(read.status).toBe(400);
    expect(read.headers.get("content-type")).toBe("application/problem+json");
    expect(((await read.json()) as { errors: Record<string, string[]> }).errors).toEqual({ birthdate: ["birthdate must be given once"] });

    const write = await fetch(`${served.urls.records}/v2/teachers/${teacher.trn}/itt-outcome?${query}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${await apiToken("itt_outcome:write")}`, "content-type": "application/json" },
      body: JSON.stringify({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" }),
    });
    expect(write.status).toBe(400);
    expect(((await write.json()) as { errors: Record<string, string[]> }).errors).toEqual({ birthdate: ["birthdate must be given once"] });
    expect(await qtsDateOf(teacher)).toBeNull();
  });

  test("Info (PUT itt-outcome Content-Type): only application/json is taken; anything else is 415 and records nothing", async () => {
    const teacher = teachers[teachers.length - 1];
    const token = await apiToken("itt_outcome:write");
    const body = JSON.stringify({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream", undefined]) {
      const response = await fetch(`${served.urls.records}/v2/teachers/${teacher.trn}/itt-outcome?birthdate=${teacher.dateOfBirth}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, ...(type ? { "content-type": type } : {}) },
        body: type ? body : undefined,
      });
      expect({ type, status: response.status }).toEqual({ type, status: 415 });
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await qtsDateOf(teacher)).toBeNull();
  });
});

async function qtsDateOf(teacher: Teacher): Promise<string | null> {
  const response = await fetch(`${served.urls.records}/v2/teachers/${teacher.trn}?birthdate=${teacher.dateOfBirth}`, {
    headers: { authorization: `Bearer ${await apiToken("teachers:read")}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { qtsDate: string | null }).qtsDate;
}
