// docs/RELYING-PARTIES.md ("Add Teacher ID to your service") cannot drift: its ```sh blocks are
// pasted, as written, into one bash session in the directory of a fresh `serve` of the built binary,
// the way the README walkthrough is (test/integration/readme-walkthrough.test.ts). Only the default
// addresses (http://127.0.0.1:4000-4002) are replaced with this test's ports, and, in step 5, the
// code the reader copies from the browser. Where the guide says to open a browser, this test is the
// teacher (over HTTP, with a cookie jar). Each block's output must match the ```text block under it,
// where `<NAME>` stands for one value that differs every time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { csrfFieldIn, HttpBrowser } from "../helpers/access-http-browser";
import { fencedBlocks, startBash, type BashSession } from "../helpers/bash-session";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

const guide = readFileSync(resolve(import.meta.dir, "../../docs/RELYING-PARTIES.md"), "utf8");
const { blocks, prose } = fencedBlocks(guide);
const codePlaceholder = "PASTE-THE-CODE-HERE";

/** Each command block with the output block under it. */
const steps = blocks.flatMap((block, i) => {
  if (block.lang !== "sh") return [];
  const after = blocks[i + 1];
  if (after?.lang !== "text") throw new Error(`RELYING-PARTIES.md: no \`\`\`text output under:\n${block.text}`);
  return [{ commands: block.text, shown: after.text }];
});

/** The shown output as a pattern: literal text, with each <NAME> one value (no space, quote, & or <>). */
function shape(shown: string): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${shown.split(/<[A-Z][A-Z0-9-]*>/).map(escape).join('[^\\s"&<>]+')}$`);
}

function expectShape(printed: string, shown: string) {
  const actual = printed.trim().split("\n");
  const expected = shown.trim().split("\n");
  expect(actual.length).toBe(expected.length);
  expected.forEach((line, i) => {
    expect({ line: i + 1, printed: actual[i], matches: shape(line).test(actual[i]) }).toEqual({ line: i + 1, printed: actual[i], matches: true });
  });
}

let served: ServedBinary;
let terminal: BashSession;
let here: (text: string) => string;

beforeAll(async () => {
  served = await serveBinary();
  // As in the README walkthrough: the served copy's directory plays the clone, with dist/teacher-id.
  mkdirSync(join(served.dir, "dist"));
  symlinkSync("../teacher-id", join(served.dir, "dist/teacher-id"));
  const urls = served.urls;
  here = (text) =>
    text
      .replace(/http:\/\/127\.0\.0\.1:4000(?!\d)/g, urls.identity)
      .replace(/http:\/\/127\.0\.0\.1:4001(?!\d)/g, urls.records)
      .replace(/http:\/\/127\.0\.0\.1:4002(?!\d)/g, urls.access)
      .replace(/http%3A%2F%2F127\.0\.0\.1%3A4000(?!\d)/g, encodeURIComponent(urls.identity));
  terminal = startBash(served.dir, { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: served.dir });
}, 20_000);

afterAll(async () => {
  terminal?.close();
  await served?.stop();
});

/** The teacher in the browser (step 4): registers from the authorize URL; returns the code and the browser. */
async function registerInBrowser(authorizeUrl: string): Promise<{ code: string; browser: HttpBrowser; callback: URL }> {
  const identity = served.urls.identity;
  const browser = new HttpBrowser();
  const opened = await browser.follow(authorizeUrl);
  expect(opened.url).toBe(`${identity}/register?started=1`);
  const html = await opened.response.text();
  expect(html).toContain("Create an account");
  const submit = async (path: string, page: string, fields: Record<string, string> = {}) => {
    const { response, url } = await browser.submit(`${identity}${path}`, { _csrf: csrfFieldIn(page), ...fields });
    return { url, html: await response.text() };
  };
  let page = await submit("/register", html);
  expect(page.url).toBe(`${identity}/register/phone`);
  expect(page.html).toContain("I do not have access to a mobile phone");
  page = await submit("/register/phone", page.html, { noPhone: "yes" });
  expect(page.url).toBe(`${identity}/register/preferred-name`);
  expect(page.html).toContain("Grace Okafor");
  page = await submit("/register/preferred-name", page.html, { choice: "0" });
  expect(page.url).toBe(`${identity}/register/check-answers`);
  expect(page.html).toContain("Create account");
  // "Create account": Teacher ID sends the browser to the redirect URI, where nothing listens.
  const created = await browser.request(`${identity}/register/check-answers`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrfFieldIn(page.html) }).toString(),
  });
  expect(created.status).toBe(303);
  const callback = new URL(created.headers.get("location")!);
  return { code: callback.searchParams.get("code")!, browser, callback };
}

describe("docs/RELYING-PARTIES.md", () => {
  test("covers what a relying party asks first, each step with the output it prints", () => {
    expect(steps.length).toBe(8);
    for (const topic of [
      "identity clients add",
      "/.well-known/openid-configuration",
      "trn_token:write",
      "&trn_token=",
      "logout_hint",
      "id_token_hint",
      "`aud`",
      "RECORDS_URL",
    ]) {
      expect({ topic, covered: guide.includes(topic) }).toEqual({ topic, covered: true });
    }
    expect(steps.filter((s) => s.commands.includes(codePlaceholder))).toHaveLength(1);
    expect(prose).toContain("Add Teacher ID to your service");
  });

  test("each block, pasted as written against a fresh serve, prints what the guide shows", async () => {
    let browser: HttpBrowser | undefined;
    let code: string | undefined;
    for (const step of steps) {
      let commands = here(step.commands);
      if (commands.includes(codePlaceholder)) {
        expect(code).toBeDefined();
        commands = commands.replace(codePlaceholder, code!);
      }
      const pasted = await terminal.paste(commands);
      expect({ commands: step.commands, status: pasted.status, stderr: pasted.stderr }).toEqual({ commands: step.commands, status: 0, stderr: "" });
      expectShape(pasted.stdout, here(step.shown));

      // Step 4: open the printed address in the browser and be the teacher.
      if (pasted.stdout.startsWith(`${served.urls.identity}/authorize?`)) {
        const registered = await registerInBrowser(pasted.stdout.trim());
        browser = registered.browser;
        code = registered.code;
        // Where the guide says the browser lands: the redirect URI with code, state and iss.
        expect(`${registered.callback.origin}${registered.callback.pathname}`).toBe("http://localhost:3000/callback");
        expect(registered.callback.searchParams.get("state")).toBe("af0ifjsldkj");
        expect(registered.callback.searchParams.get("iss")).toBe(served.urls.identity);
        expect(here(prose)).toContain(
          `http://localhost:3000/callback?code=<CODE>&state=af0ifjsldkj&iss=${encodeURIComponent(served.urls.identity)}`,
        );
      }
    }
    expect(browser).toBeDefined();

    // Step 6's prose: the browser that signed in is asked first, and signing out revokes the tokens.
    const accessToken = (await terminal.paste('echo "$ACCESS_TOKEN"')).stdout.trim();
    const sub = (await terminal.paste('echo "$SUB"')).stdout.trim();
    const userinfo = () => fetch(`${served.urls.identity}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await userinfo()).status).toBe(200);
    const signOutUrl = `${served.urls.identity}/end-session?client_id=your-service&logout_hint=${sub}&post_logout_redirect_uri=${encodeURIComponent("http://localhost:3000/signed-out")}&state=bye`;
    const asked = await browser!.request(signOutUrl);
    expect(asked.status).toBe(200);
    const page = await asked.text();
    expect(page).toContain("Sign out of Teacher ID");
    const signedOut = await browser!.request(`${served.urls.identity}/end-session`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        _csrf: csrfFieldIn(page),
        client_id: "your-service",
        post_logout_redirect_uri: "http://localhost:3000/signed-out",
        state: "bye",
      }).toString(),
    });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("http://localhost:3000/signed-out?state=bye");
    expect((await userinfo()).status).toBe(401);
  }, 30_000);
});
