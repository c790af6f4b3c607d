// Issue 11, items 4, 5 and 9 and the names item of "Info", attacked through the built binary
// (dist/teacher-id serve) over HTTP. Each binary runs with TRUST_PROXY=true, so X-Forwarded-For
// sets the client IP (src/web/client-ip.ts): one test can be a victim at one address and an
// attacker at many. Accounts and records' teachers are put in the databases directly (as an
// earlier registration or an import would); everything under attack goes over HTTP, and the
// tables are read to show what the attack did or did not store.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { loadServeConfig } from "../../src/cli/configuration";
import { insertAccount, type Account } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import {
  Browser,
  addRecordsTeacher,
  authorizationUrl,
  authorize,
  createTrnToken,
  pageText,
  redeem,
} from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import type { TestSystem } from "../helpers/system";

interface Served {
  served: ServedBinary;
  /** What the identity-journey helpers read: URLs, config (the provisioned clients) and the data directory. */
  system: TestSystem;
  db: IdentityDatabaseFile;
}

async function serve(env: Record<string, string>): Promise<Served> {
  const served = await serveBinary({ env: { TRUST_PROXY: "true", ...env } });
  const system = { urls: served.urls, config: Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services)), dataDir: served.dataDir } as TestSystem;
  return { served, system, db: openIdentityDatabase(served.dataDir) };
}

async function stop(s: Served | undefined) {
  s?.db.$client.close();
  await s?.served.stop();
}

let accountCounter = 1;
function newAccount(db: IdentityDatabaseFile, label: string): Account {
  return insertAccount(db, {
    email: `${label}.${accountCounter++}@example.com`,
    phoneNumber: null,
    givenName: "Ada",
    familyName: "Lovelace",
    preferredName: "Ada Lovelace",
    birthdate: "1990-01-01",
    trn: null,
  });
}

/** A browser at identity whose requests come from `ip` (through the trusted proxy). */
const identityAt = (s: Served, ip: string) => new Browser(s.system.urls.identity, { "x-forwarded-for": ip });

/** Rows in one of identity's tables, counted straight from the file. */
const count = (s: Served, sql: string, ...params: string[]) =>
  (s.db.$client.query(sql).get(...params) as { n: number }).n;

/** Codes written for `email` (security_codes rows) and emails queued to it (outbox rows). */
const codesFor = (s: Served, email: string) => count(s, "SELECT count(*) AS n FROM security_codes WHERE destination = ?", email);
const emailsTo = (s: Served, email: string) =>
  count(s, "SELECT count(*) AS n FROM outbox WHERE kind = 'email' AND json_extract(payload, '$.to') = ?", email);

/** The 6-digit code in the newest dev-mailbox email to `to` (development: no SMTP_URL). */
async function mailedCode(dataDir: string, to: string, after: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const message = readDevMailbox(dataDir, { to }).find((m) => m.channel === "email" && m.createdAt >= after);
    const code = message && /\b(\d{6})\b/.exec(message.text)?.[1];
    if (code) return code;
    await Bun.sleep(20);
  }
  throw new Error(`no email with a code to ${to}`);
}

/** Starts a sign-in as access does and asks for a code for `email`; the browser is then on the code page (or a refusal). */
async function askForCode(s: Served, browser: Browser, email: string) {
  const auth = await authorize(s.system, browser, { scope: "openid email" });
  expect(browser.url).toBe(`${s.system.urls.identity}/sign-in?started=1`);
  await browser.post("/sign-in", { email });
  return auth;
}

const wrongCode = (right?: string) => (right === "000000" ? "111111" : "000000");

describe("item 4: limits an attacker cannot turn against the victim", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({
      CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: "3",
      CODE_SEND_CEILING_PER_ADDRESS: "10",
      CODE_CHECK_LIMIT_PER_ADDRESS_AND_IP: "12",
    });
  });
  afterAll(() => stop(s));

  test("item 4: a victim still signs in while an attacker floods their address", async () => {
    const victim = newAccount(s.db, "victim");
    const browser = identityAt(s, "203.0.113.7");
    const asked = Date.now();
    const auth = await askForCode(s, browser, victim.email);
    expect(pageText(browser.html)).toContain("Check your email");
    const code = await mailedCode(s.served.dataDir, victim.email, asked);

    // The attack, from six other addresses: each asks for a code to the victim's address (which
    // used to retire the victim's) and guesses 5 times (30 wrong checks: more than the old
    // per-address limit of 20, and each guess used to count on the victim's code).
    const attack: { sent: number; guesses: number[]; last: string }[] = [];
    for (let i = 1; i <= 6; i++) {
      const attacker = identityAt(s, `198.51.100.${i}`);
      await askForCode(s, attacker, victim.email);
      const sent = attacker.status;
      const guesses: number[] = [];
      for (let guess = 1; guess <= 5; guess++) {
        await attacker.post("/sign-in/code", { code: wrongCode(code) });
        guesses.push(attacker.status);
      }
      attack.push({ sent, guesses, last: pageText(attacker.html) });
    }

    // The victim types the code they were sent, and is signed in.
    await browser.post("/sign-in/code", { code });
    expect(browser.status).not.toBe(429);
    const { idToken } = await redeem(s.system, browser, auth);
    expect(idToken.sub).toBe(victim.id);

    // The attack did happen: every attacker was sent a code for the victim's address, and their
    // guesses killed only their own code.
    for (const { sent, guesses, last } of attack) {
      expect(sent).toBe(200);
      expect(guesses).toEqual([400, 400, 400, 400, 400]);
      expect(last).toContain("You entered an incorrect code too many times");
    }

    // And they can still ask for a new code from their own address later: the attack used none of theirs.
    const again = identityAt(s, "203.0.113.7");
    const askedAgain = Date.now();
    const auth2 = await askForCode(s, again, victim.email);
    expect(again.status).toBe(200);
    await again.post("/sign-in/code", { code: await mailedCode(s.served.dataDir, victim.email, askedAgain) });
    expect((await redeem(s.system, again, auth2)).idToken.sub).toBe(victim.id);
  });

  test("item 4: the attack is still throttled: an attacker's address slows down, and beyond the ceiling no code reaches the inbox", async () => {
    const target = newAccount(s.db, "flooded");

    // One attacking address: 3 codes to the target, then a 429 that says when to try again, which
    // is one leak interval away (1 h / 3 = 20 min), not a lockout until some window ends.
    const attacker = identityAt(s, "192.0.2.10");
    for (let i = 0; i < 3; i++) {
      await askForCode(s, attacker, target.email);
      expect(attacker.status).toBe(200);
    }
    await authorize(s.system, attacker, { scope: "openid email" });
    const refused = await attacker.post("/sign-in", { email: target.email });
    expect(refused.status).toBe(429);
    expect(pageText(attacker.html)).toContain("You need to wait before trying again");
    expect(pageText(attacker.html)).toMatch(/try again after (\d{1,2}(:\d\d)?[ap]m|midday|midnight) \(UK time\)/);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(20 * 60);

    // Many attacking addresses: the per-address ceiling (10) stops the flood into the inbox.
    const statuses: number[] = [];
    for (let i = 1; i <= 12; i++) {
      const browser = identityAt(s, `192.0.2.${100 + i}`);
      await askForCode(s, browser, target.email);
      statuses.push(browser.status);
      if (browser.status === 429) expect(pageText(browser.html)).toContain("You need to wait before trying again");
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(7);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    expect(codesFor(s, target.email)).toBe(10);
    expect(emailsTo(s, target.email)).toBe(10);

    // Guessing is limited per (address, IP) too: 12 checks, then 429, even on a dead code.
    const guesser = identityAt(s, "192.0.2.200");
    const other = newAccount(s.db, "guessed");
    await askForCode(s, guesser, other.email);
    for (let i = 1; i <= 12; i++) {
      await guesser.post("/sign-in/code", { code: wrongCode() });
      expect(guesser.status).toBe(400);
    }
    const limited = await guesser.post("/sign-in/code", { code: wrongCode() });
    expect(limited.status).toBe(429);
    expect(pageText(guesser.html)).toContain("You have entered too many security codes");
  });
});

describe("item 5: sign-in takes the same path whether or not the address has an account", () => {
  let s: Served;
  beforeAll(async () => {
    // Samples below ask for many codes to one address, from many client IPs.
    s = await serve({ CODE_SEND_CEILING_PER_ADDRESS: "1000", CODE_CHECK_CEILING_PER_ADDRESS: "1000" });
  });
  afterAll(() => stop(s));

  test("item 5: an address with no account gets a code written (never sent), as one with an account does", async () => {
    const known = newAccount(s.db, "known");
    const unknown = `nobody.${accountCounter++}@example.com`;
    const pages: string[] = [];
    for (const [i, email] of [known.email, unknown].entries()) {
      const browser = identityAt(s, `203.0.113.${50 + i}`);
      await askForCode(s, browser, email);
      expect(browser.status).toBe(200);
      pages.push(pageText(browser.html).replace(email, "EMAIL"));
      // The same database work: one code row and one email queued, for either address.
      expect(codesFor(s, email)).toBe(1);
      expect(emailsTo(s, email)).toBe(1);
      // Both codes die after 5 wrong tries, so the code page cannot tell the addresses apart either.
      const answers: string[] = [];
      for (let guess = 1; guess <= 5; guess++) {
        await browser.post("/sign-in/code", { code: wrongCode() });
        answers.push(pageText(browser.html).replace(email, "EMAIL"));
      }
      expect(answers.at(-1)).toContain("You entered an incorrect code too many times");
      pages.push(...answers);
    }
    expect(pages.slice(6)).toEqual(pages.slice(0, 6));
    // The email to the address without an account carries no code.
    const sent = readDevMailbox(s.served.dataDir, { to: unknown });
    expect(sent.map((m) => m.text).join("\n")).toContain("there is no Teacher ID account");
    expect(sent.map((m) => m.text).join("\n")).not.toMatch(/\b\d{6}\b/);

    // For the closing note only (no assertion on time): POST /sign-in, interleaved, for each path.
    const samples: Record<"account" | "no account", number[]> = { account: [], "no account": [] };
    const unknownTiming = `nobody.timing.${accountCounter++}@example.com`;
    for (let i = 0; i < 110; i++) {
      const pair = [["account", known.email], ["no account", unknownTiming]] as const;
      for (const [kind, email] of i % 2 === 0 ? pair : [...pair].reverse()) {
        const browser = identityAt(s, `198.18.${i}.${kind === "account" ? 1 : 2}`);
        await authorize(s.system, browser, { scope: "openid email" });
        const csrf = decodeURIComponent(browser.cookies.get("identity_csrf") ?? "");
        const started = performance.now();
        await browser.request("/sign-in", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ _csrf: csrf, email }).toString(),
        });
        // The first pairs warm the server up; the pause lets the outbox send before the next one.
        if (i >= 10) samples[kind].push(performance.now() - started);
        await Bun.sleep(10);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `item 5: POST /sign-in median over 100 interleaved samples: account ${median(samples.account).toFixed(2)} ms, ` +
        `no account ${median(samples["no account"]).toFixed(2)} ms`,
    );
  });
});

describe("item 9: unauthenticated GETs cannot fill the tables", () => {
  let s: Served;
  const limit = 5;
  beforeAll(async () => {
    s = await serve({
      AUTHORIZATION_REQUEST_LIMIT_PER_IP: String(limit),
      JOURNEY_LIMIT_PER_IP: String(limit),
      ACCESS_SIGN_IN_LIMIT_PER_IP: String(limit),
    });
  });
  afterAll(() => stop(s));

  const from = (ip: string, headers: Record<string, string> = {}) => ({ redirect: "manual" as const, headers: { "x-forwarded-for": ip, ...headers } });

  async function expectTooMany(response: Response) {
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const text = pageText(await response.text());
    expect(text).toContain("You need to wait before trying again");
    expect(text).toContain("too many attempts to sign in from your network");
  }

  test("item 9: a flood of GET /authorize stores at most the limit of authorization requests; the rest get a clear 429 page", async () => {
    const before = count(s, "SELECT count(*) AS n FROM authorization_requests");
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await fetch(authorizationUrl(s.system).url, from("192.0.2.66"));
      statuses.push(response.status);
      if (response.status === 429) await expectTooMany(response);
      else expect(response.headers.get("location")).toStartWith("/interaction/");
    }
    expect(statuses.filter((status) => status === 303)).toHaveLength(limit);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30 - limit);
    expect(count(s, "SELECT count(*) AS n FROM authorization_requests") - before).toBe(limit);
  });

  test("item 9: a flood of GET /interaction/{id} starts at most the limit of journeys", async () => {
    const start = await fetch(authorizationUrl(s.system).url, from("192.0.2.67"));
    const interaction = `${s.system.urls.identity}${start.headers.get("location")}`;
    const before = count(s, "SELECT count(*) AS n FROM journeys");
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const response = await fetch(interaction, from("192.0.2.67"));
      statuses.push(response.status);
      if (response.status === 429) await expectTooMany(response);
      else expect(response.headers.get("set-cookie")).toContain("identity_journey=");
    }
    expect(statuses.filter((status) => status === 303)).toHaveLength(limit);
    expect(count(s, "SELECT count(*) AS n FROM journeys") - before).toBe(limit);
  });

  test("item 9: a flood of access's GET /sign-in and /register stores at most the limit of login attempts", async () => {
    const access = new Database(join(s.served.dataDir, "access.sqlite"), { readonly: true });
    try {
      const attempts = () => (access.query("SELECT count(*) AS n FROM login_attempts").get() as { n: number }).n;
      const before = attempts();
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const path = i % 2 === 0 ? "/sign-in" : `/register?trn_token=${"a".repeat(43)}`;
        const response = await fetch(`${s.system.urls.access}${path}`, from("192.0.2.68"));
        statuses.push(response.status);
        if (response.status === 429) {
          const text = pageText(await response.text());
          expect(text).toContain("You need to wait before trying again");
          expect(text).toContain("too many attempts to sign in from your network");
          expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
        } else expect(response.headers.get("location")).toStartWith(`${s.system.urls.identity}/authorize?`);
      }
      expect(statuses.filter((status) => status === 302)).toHaveLength(limit);
      expect(statuses.filter((status) => status === 429)).toHaveLength(30 - limit);
      expect(attempts() - before).toBe(limit);
    } finally {
      access.close();
    }
  });

  test("item 9: meanwhile a teacher at another address signs in as usual", async () => {
    const teacher = "203.0.113.99";
    const started = await fetch(`${s.system.urls.access}/sign-in`, from(teacher));
    expect(started.status).toBe(302);
    const browser = identityAt(s, teacher);
    await browser.get(started.headers.get("location")!);
    expect(browser.status).toBe(200);
    expect(browser.url).toBe(`${s.system.urls.identity}/sign-in?started=1`);
    expect(pageText(browser.html)).toContain("Enter your email address");
  });
});

describe("info: names", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({});
  });
  afterAll(() => stop(s));

  test("info: the preferred name keeps its error message's promise, and a bidi control is refused", async () => {
    const trn = "4700001";
    const email = `names.${trn}@example.com`;
    addRecordsTeacher(s.served.dataDir, { trn, email, firstName: "Amira", lastName: "Khan" });
    const browser = identityAt(s, "203.0.113.120");
    await authorize(s.system, browser, { trnToken: await createTrnToken(s.system, { trn, email }) });
    expect(browser.url).toBe(`${s.system.urls.identity}/register?started=1`);
    await browser.post("/register");
    await browser.post("/register/phone", { noPhone: "yes" });
    expect(browser.url).toEndWith("/register/preferred-name");
    for (const name of ["Amira 2", "Amira!", "Amira\u202Eevil", "Ami\u2066ra", "Amira (Mira)", "--"]) {
      await browser.post("/register/preferred-name", { choice: "other", otherName: name });
      expect(browser.status).toBe(400);
      expect(pageText(browser.html)).toContain("Name must only include letters, spaces, hyphens and apostrophes");
    }
    await browser.post("/register/preferred-name", { choice: "other", otherName: "Zoë O’Brien-Ní Dhomhnaill" });
    expect(browser.url).toEndWith("/register/check-answers");
    expect(pageText(browser.html)).toContain("Zoë O’Brien-Ní Dhomhnaill");
  });

  test("info: records import refuses a name with a bidi control, and loads nothing", () => {
    const csv = join(s.served.dir, "bidi.csv");
    writeFileSync(
      csv,
      "trn,first_name,last_name,date_of_birth,email\n" +
        "4700002,Sam,Taylor,1990-01-01,sam@example.com\n" +
        "4700003,Ali\u202Ece,Smith,1990-01-01,alice@example.com\n",
    );
    const result = s.served.run(["records", "import", csv]);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toContain("first_name must not contain bidirectional control characters");
    const records = new Database(join(s.served.dataDir, "records.sqlite"), { readonly: true });
    try {
      expect(records.query("SELECT count(*) AS n FROM teachers WHERE trn IN ('4700002', '4700003')").get()).toEqual({ n: 0 });
    } finally {
      records.close();
    }
  });
});
