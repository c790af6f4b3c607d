// Every page tells the truth and leads somewhere (issue 19, "Show it"): each page a teacher can reach
// without special state, and each email and SMS template filled in with the real settings, is
// walked; every link and form in it must lead to a route that exists (the apps' own route lists,
// as docs/ROUTES.md is made), and every page, button or link a message names in quotes ("Check your
// email", "Sign out everywhere") must exist in the pages' source. A page that 404s, a link to a
// path no service answers, or an instruction naming a page that is gone fails here.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { serviceNames, type ServiceName } from "../../src/config/config";
import { durationInWords, linkLifetime } from "../../src/mail/time-in-words";
import { codeLifetimeMs } from "../../src/identity/security-codes/security-codes";
import { servedRoutes } from "../../src/web/create-service-app";
import { startTestSystem, type TestSystem } from "../helpers/system";

const supportEmail = "help-desk@teacher-id.example";
let system: TestSystem;
/** Per service: each route as a regular expression over the path, with its methods. */
let routes: Record<ServiceName, { pattern: RegExp; path: string; methods: string[] }[]>;

beforeAll(async () => {
  system = await startTestSystem({ env: { SUPPORT_EMAIL: supportEmail, SUPPORT_RESPONSE_TIME: "3 working days" } });
  routes = Object.fromEntries(
    serviceNames.map((name) => [
      name,
      servedRoutes(system.system.apps[name]!).map((route) => ({
        path: route.path,
        methods: route.methods,
        pattern: new RegExp(`^${route.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+").replace(/\\\*$/, ".*")}$`),
      })),
    ]),
  ) as typeof routes;
});
afterAll(() => system?.stop());

function serviceAt(url: URL): ServiceName | undefined {
  return serviceNames.find((name) => new URL(system.urls[name]).origin === url.origin);
}

/** Why `url` (with `method`) leads nowhere, or undefined when one of our services answers it. */
function deadEnd(url: URL, method: string): string | undefined {
  const service = serviceAt(url);
  if (!service) return undefined; // Another site (GOV.UK, the licence): not ours to check.
  const route = routes[service].find((r) => r.pattern.test(url.pathname));
  if (!route) return `${service} has no route ${url.pathname}`;
  if (!route.methods.includes(method)) return `${service} ${url.pathname} does not take ${method} (only ${route.methods.join(", ")})`;
  return undefined;
}

const attribute = (html: string, tag: string, name: string) =>
  [...html.matchAll(new RegExp(`<${tag}\\b[^>]*?\\s${name}="([^"]*)"[^>]*>`, "g"))].map((m) => ({ value: m[1].replace(/&amp;/g, "&"), tag: m[0] }));

/** Every link and form of a page, as [url, method]. */
function linksOf(html: string, base: string): { url: URL; method: string; raw: string }[] {
  const links = attribute(html, "a", "href")
    .filter(({ value }) => !value.startsWith("#"))
    .map(({ value }) => ({ raw: value, url: new URL(value, base), method: "GET" }));
  const forms = attribute(html, "form", "action").map(({ value, tag }) => ({
    raw: value,
    url: new URL(value, base),
    method: (/method="(\w+)"/i.exec(tag)?.[1] ?? "GET").toUpperCase(),
  }));
  return [...links, ...forms];
}

/** The pages to walk on a service: each GET page route, with made-up values for its parameters. */
function pagesOf(service: ServiceName): string[] {
  return routes[service]
    .filter((r) => r.methods.includes("GET") && !r.path.startsWith("/assets/") && !r.path.startsWith("/.well-known") && !r.path.includes("*"))
    .map((r) => r.path.replace(/:\w+/g, "no-such-thing"));
}

describe("every page a teacher can reach without special state", () => {
  for (const service of serviceNames) {
    test(`${service}: each page answers (no 404 for a listed route), and each link and form on it leads to a route that exists`, async () => {
      const problems: string[] = [];
      let walked = 0;
      for (const path of pagesOf(service)) {
        const response = await fetch(`${system.urls[service]}${path}`, { redirect: "manual", headers: { accept: "text/html" } });
        const type = response.headers.get("content-type") ?? "";
        const location = response.headers.get("location");
        if (location) {
          const problem = deadEnd(new URL(location, `${system.urls[service]}${path}`), "GET");
          if (problem) problems.push(`${path} redirects to a dead end: ${problem}`);
        }
        if (!type.includes("text/html")) {
          await response.body?.cancel();
          continue;
        }
        const html = await response.text();
        // A made-up parameter may be "not found" in the page's own words, but never the generic 404.
        if (!path.includes("no-such-thing") && response.status === 404) problems.push(`${path} answered 404`);
        walked++;
        for (const link of linksOf(html, `${system.urls[service]}${path}`)) {
          if (link.url.protocol === "mailto:") {
            if (link.url.pathname !== supportEmail) problems.push(`${path} links to ${link.raw}, not SUPPORT_EMAIL`);
            continue;
          }
          const problem = deadEnd(link.url, link.method);
          if (problem) problems.push(`${path}: ${link.method} ${link.raw}: ${problem}`);
        }
        // Every teacher's page's footer leads to help, and the banner to feedback (the support console is staff's).
        if (path.startsWith("/admin")) continue;
        if (!html.includes(`href="${system.urls[service]}/help"`)) problems.push(`${path} has no "Get help" link in its footer`);
        if (!html.includes(`/feedback?from=${service}`)) problems.push(`${path}'s beta banner has no feedback link`);
      }
      expect(problems).toEqual([]);
      expect(walked).toBeGreaterThan(2);
    });
  }

  test("the help page and every dead-end page name SUPPORT_EMAIL and say what to include (the TRN, never codes or links)", async () => {
    for (const service of serviceNames) {
      const html = await (await fetch(`${system.urls[service]}/help`)).text();
      expect(html).toContain(`mailto:${supportEmail}`);
      expect(html).toContain("3 working days");
      expect(html).toContain("teacher reference number (TRN)");
      expect(html).toContain("Do not send us security codes or links");
    }
  });

  test("the feedback form stores the text only, thanks the teacher, and asks again when empty", async () => {
    const page = await fetch(`${system.urls.identity}/feedback?from=access`);
    const html = await page.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const send = (feedback: string) =>
      fetch(`${system.urls.identity}/feedback`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: new URL(system.urls.identity).origin },
        body: new URLSearchParams({ _csrf: csrf, service: "access", feedback }),
      });
    const empty = await send("   ");
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Enter your feedback");
    const sent = await send("The certificate page was clear.");
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe("/feedback/thank-you");
    expect(await (await fetch(`${system.urls.identity}/feedback/thank-you`)).text()).toContain("Thank you for your feedback");
    const { Database } = await import("bun:sqlite");
    const db = new Database(join(system.dataDir, "identity.sqlite"), { readonly: true });
    try {
      expect(db.query("SELECT service, text FROM feedback").all()).toEqual([{ service: "access", text: "The certificate page was clear." }]);
    } finally {
      db.close();
    }
  });
});

describe("every email and SMS template, filled in with the real settings", () => {
  const templatesDir = resolve(import.meta.dir, "../../templates");
  const templates = ["email", "sms"].flatMap((kind) => readdirSync(join(templatesDir, kind)).map((file) => join(kind, file)));
  /** Every page title, button and link text in the pages' source: what a message may name in quotes. */
  const pageWords = (() => {
    const words = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith(".tsx") || path.endsWith(".ts")) {
          const source = readFileSync(path, "utf8");
          for (const m of source.matchAll(/title="([^"]+)"/g)) words.add(m[1]);
          for (const m of source.matchAll(/text="([^"]+)"/g)) words.add(m[1]);
          for (const m of source.matchAll(/>\s*([A-Z][^<>{}]{2,60}?)\s*</g)) words.add(m[1].replace(/\s+/g, " "));
        }
      }
    };
    walk(resolve(import.meta.dir, "../../src"));
    return words;
  })();

  function fill(file: string, template: string): string {
    const access = system.urls.access;
    const lifetime = linkLifetime(new Date(Date.now() + 30 * 86_400_000), new Date());
    const values: Record<string, string> = {
      code: "123456",
      expiresIn: durationInWords(codeLifetimeMs),
      greeting: "Dear Kanye,",
      supportEmail,
      // An award email for a teacher who already has an account links to sign in; the others carry a token.
      link: file.includes("on-record") ? `${access}/sign-in` : `${access}/register?trn_token=${"A".repeat(43)}`,
      accessUrl: access,
      qualificationsUrl: `${access}/qualifications`,
      ...lifetime,
      name: "Kanye Ashworth",
      trn: "1234567",
      qtsDate: "1 July 2026",
      awardDate: "1 July 2026",
      detail: "name",
      caseReference: "CASE-1234",
      requested: "Kanye Ashworth",
      newEmail: "k****@example.com",
      when: lifetime.expiresAt,
      survivorEmail: "s****@example.com",
      reference: "TID-ABCD-EFGH",
      reason: "The document does not show the new name.",
      phoneEnding: "789",
      responseTime: "5 working days",
    };
    return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`${file}: no value for {{${name}}}`);
      return values[name];
    });
  }

  test("there are templates to check", () => {
    expect(templates.length).toBeGreaterThan(10);
  });

  for (const file of templates) {
    test(`${file}: every address in it leads to a route that exists, and every page or button it names exists`, () => {
      const text = fill(file, readFileSync(join(templatesDir, file), "utf8"));
      const problems: string[] = [];
      for (const raw of text.match(/https?:\/\/[^\s"<>]+/g) ?? []) {
        const url = new URL(raw.replace(/[.,;)]+$/, ""));
        if (url.hostname.endsWith("gov.uk") || url.hostname.endsWith("nationalarchives.gov.uk")) continue;
        const problem = deadEnd(url, "GET");
        if (problem) problems.push(`${raw}: ${problem}`);
        if (!serviceAt(url)) problems.push(`${raw} is not one of our services`);
      }
      for (const m of text.matchAll(/["\u201c]([A-Z][^"\u201d\n]{2,60})["\u201d]/g)) {
        if (!pageWords.has(m[1])) problems.push(`names "${m[1]}", which no page, button or link is called`);
      }
      for (const m of text.matchAll(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g)) {
        if (m[0] !== supportEmail && !/^k\*+@/.test(m[0])) problems.push(`gives the address ${m[0]}, not SUPPORT_EMAIL`);
      }
      expect(problems).toEqual([]);
    });
  }
});
