// `teacher-id identity accounts list|show` (issue 18), run from the built binary beside a running
// `serve`, as an operator or tester would: after a teacher registers through a real magic link (with
// a mobile number), the account is found by TRN, email or sub, with its contact details masked, its
// TRN, its creation time and its last sign-in; a later sign-in moves the last sign-in on. Nothing
// printed is a code, a token, a secret or a full email address or phone number.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { demoTeacher } from "../../src/records/demo/demo-teachers";
import { csrfFieldIn, HttpBrowser } from "../helpers/access-http-browser";
import { devMailboxCode } from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";

let served: ServedBinary;
let awardingSecret: string;
/** Everything secret the journey saw: none of it may appear in the CLI's output. */
const secrets: string[] = [];
let sub: string;
let registeredAt: number;

const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function accounts(...args: string[]) {
  const result = served.run(["identity", "accounts", ...args]);
  for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  return result;
}

/** The `key: value` lines of one printed account. */
function fields(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/^ {2}([a-zA-Z -]+?):\s+(.*)$/gm)].map((m) => [m[1], m[2]]));
}

async function submit(browser: HttpBrowser, url: string, html: string, extra: Record<string, string> = {}) {
  const { response, url: landed } = await browser.submit(url, { _csrf: csrfFieldIn(html), ...extra });
  return { url: landed, html: await response.text() };
}

beforeAll(async () => {
  served = await serveBinary();
  const added = served.run([
    "identity", "clients", "add", "--name", "Accounts CLI test", "--client-id", "accounts-cli-test",
    "--grant-types", "client_credentials", "--scopes", "itt_outcome:write",
  ]);
  awardingSecret = /client_secret:\s+(\S+)/.exec(added.stdout)![1];
  secrets.push(awardingSecret);

  // The demo teacher's Pass, then her registration from the link, with a mobile number.
  const tokenResponse = await fetch(`${served.urls.identity}/token`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`accounts-cli-test:${awardingSecret}`)}` },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "itt_outcome:write" }),
  });
  const accessToken = ((await tokenResponse.json()) as { access_token: string }).access_token;
  secrets.push(accessToken);
  const pass = await fetch(`${served.urls.records}/v2/teachers/${demoTeacher.trn}/itt-outcome?birthdate=${demoTeacher.birthdate}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ ittProviderUkprn: demoTeacher.ukprn, outcome: "Pass", assessmentDate: "2026-07-01" }),
  });
  expect(pass.status).toBe(200);
  let link: string | undefined;
  for (let i = 0; i < 400 && !link; i++, await Bun.sleep(25)) {
    link = /https?:\/\/\S+\/register\?trn_token=[\w-]+/.exec(readDevMailbox(served.dataDir, { to: "amelia.clarke@example.com" })[0]?.text ?? "")?.[0];
  }
  secrets.push(new URL(link!).searchParams.get("trn_token")!);

  const identity = served.urls.identity;
  const browser = new HttpBrowser();
  const opened = await browser.follow(link!);
  let page = await submit(browser, `${identity}/register`, await opened.response.text());
  page = await submit(browser, `${identity}/register/phone`, page.html, { phone: "07911 123456" });
  expect(page.url).toBe(`${identity}/register/phone-code`);
  const smsCode = await devMailboxCode(served.dataDir, "sms", "07911 123456");
  secrets.push(smsCode);
  page = await submit(browser, `${identity}/register/phone-code`, page.html, { code: smsCode });
  page = await submit(browser, `${identity}/register/preferred-name`, page.html, { choice: "0" });
  registeredAt = Date.now();
  page = await submit(browser, `${identity}/register/check-answers`, page.html);
  expect(page.url).toBe(`${served.urls.access}/qualifications`);
  for (const cookie of browser.cookies.values()) secrets.push(decodeURIComponent(cookie));
  secrets.push("amelia.clarke@example.com", "7911123456", "7911 123456");
}, 60_000);

afterAll(async () => {
  await served?.stop();
});

describe("teacher-id identity accounts", () => {
  test("list --trn finds the registered teacher: sub, masked email and mobile, TRN, created, last sign-in", () => {
    const result = accounts("list", "--trn", demoTeacher.trn);
    expect(result.code).toBe(0);
    const [first, ...rest] = result.stdout.trim().split("\n");
    sub = first;
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    const shown = fields(rest.join("\n"));
    expect(shown).toEqual({
      email: "am****e@example.com (verified)",
      mobile: "+44*******456 (verified)",
      TRN: demoTeacher.trn,
      created: expect.stringMatching(iso),
      "last sign-in": expect.stringMatching(iso),
    });
    // Created during the journey; signed in when it finished (the same moment or just after).
    expect(Math.abs(Date.parse(shown.created) - registeredAt)).toBeLessThan(30_000);
    expect(Date.parse(shown["last sign-in"])).toBeGreaterThanOrEqual(Date.parse(shown.created));
  });

  test("list --email (any case) finds the same account; filters that match nothing say so", () => {
    const byEmail = accounts("list", "--email", "Amelia.Clarke@EXAMPLE.com");
    expect(byEmail.code).toBe(0);
    expect(byEmail.stdout.split("\n")[0]).toBe(sub);
    expect(accounts("list", "--trn", demoTeacher.trn, "--email", "someone@example.com").stdout.trim()).toBe("No account matches.");
    expect(accounts("list", "--trn", "7654321").stdout.trim()).toBe("No account matches.");
  });

  test("show SUB prints the account and its open sessions", () => {
    const result = accounts("show", sub);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(sub);
    expect(fields(result.stdout)).toMatchObject({ TRN: demoTeacher.trn, mobile: "+44*******456 (verified)", "open sessions": "1" });
  });

  test("a later sign-in (email code) moves the last sign-in on", async () => {
    const before = fields(accounts("show", sub).stdout)["last sign-in"];
    await Bun.sleep(5);
    const browser = new HttpBrowser();
    const params = new URLSearchParams({
      response_type: "code",
      client_id: "access-service",
      redirect_uri: `${served.urls.access}/sign-in/callback`,
      scope: "openid",
      state: "accounts-cli-state",
      nonce: "accounts-cli-nonce",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
      prompt: "login",
    });
    const opened = await browser.follow(`${served.urls.identity}/authorize?${params}`);
    expect(opened.url).toBe(`${served.urls.identity}/sign-in?started=1`);
    const page = await submit(browser, `${served.urls.identity}/sign-in`, await opened.response.text(), { email: "amelia.clarke@example.com" });
    expect(page.url).toBe(`${served.urls.identity}/sign-in/code`);
    const emailCode = await devMailboxCode(served.dataDir, "email", "amelia.clarke@example.com");
    secrets.push(emailCode);
    // The code signs her in; identity sends the browser back to access (which refuses this test's own state).
    const { hops } = await browser.submit(`${served.urls.identity}/sign-in/code`, { _csrf: csrfFieldIn(page.html), code: emailCode });
    expect(hops[0].location).toStartWith(`${served.urls.access}/sign-in/callback?code=`);
    for (const cookie of browser.cookies.values()) secrets.push(decodeURIComponent(cookie));

    const after = fields(accounts("show", sub).stdout);
    expect(Date.parse(after["last sign-in"])).toBeGreaterThan(Date.parse(before));
    expect(after["open sessions"]).toBe("2");
  });

  test("an account with no recorded sign-in says so; list shows the newest first and honours --limit", () => {
    const db = openIdentityDatabase(served.dataDir);
    try {
      insertAccount(db, { email: "no.sign.in@example.com", phoneNumber: null, givenName: "No", familyName: "Sign-in", preferredName: null, birthdate: null, trn: null });
    } finally {
      db.$client.close();
    }
    const all = accounts("list");
    expect(all.code).toBe(0);
    const blocks = all.stdout.trim().split(/\n(?=\S)/);
    expect(blocks).toHaveLength(2);
    expect(fields(blocks[0])).toMatchObject({ email: "no****n@example.com (verified)", mobile: "none", TRN: "none", "last sign-in": "none recorded" });
    expect(blocks[1].split("\n")[0]).toBe(sub);
    const limited = accounts("list", "--limit", "1");
    expect(limited.stdout).toContain("no****n@example.com");
    expect(limited.stdout).not.toContain(sub);
    expect(limited.stdout.trim().split("\n").at(-1)).toBe("Showing the newest 1 of 2 accounts (--limit to see more).");
  });

  test("bad arguments are refused with a usage hint (exit 2); an unknown sub is exit 1", () => {
    for (const args of [["list", "--trn", "12"], ["list", "--email", "nobody"], ["list", "--limit", "0"], ["list", "extra"], ["show"], ["show", "a", "b"], ["list", "--colour", "red"]]) {
      const result = accounts(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stdout).toBe("");
    }
    const unknown = accounts("show", "00000000-0000-0000-0000-000000000000");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("There is no account '00000000-0000-0000-0000-000000000000'.");
  });
});
