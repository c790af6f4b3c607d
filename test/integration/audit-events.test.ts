// Issue 14, audit log: every account-affecting action writes one event in the same transaction as
// the change, and no secret, code or token ever reaches the events table. Real HTTP journeys
// (registration, sign-in binding a TRN, a reused code), real SMTP, and the operator's changes.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { events } from "../../src/identity/db/schema";
import { eventsAbout, listEvents } from "../../src/identity/events/events";
import { createClient, rotateClientSecret } from "../../src/identity/clients/clients";
import { signingKeyPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { rotateSigningKeys } from "../../src/identity/keys/signing-keys";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { Browser, addRecordsTeacher, authorize, createTrnToken, emailedCode } from "../helpers/identity-journey";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { runCli } from "../../src/main";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
/** Every secret, code and token the tests saw: none may appear in the events table. */
const secrets: string[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({ env: { SMTP_URL: smtp.url } });
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  db.$client.close();
  await system.stop();
  await smtp.close();
});

/** Exchanges the code the journey returned; returns the raw token response and the code. */
async function exchangeCode(browser: Browser, verifier: string, redirectUri: string) {
  const code = new URL(browser.leftTo!).searchParams.get("code")!;
  const { clientId, clientSecret } = internalClientCredentials(system.config, "access");
  const exchange = () =>
    fetch(`${system.urls.identity}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}` },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: verifier }),
    });
  return { code, exchange, clientSecret };
}

const typesAbout = (sub: string) => eventsAbout(db, sub).map((e) => e.type);

describe("events", () => {
  test("a registration: TrnTokenIssued, UserRegistered (with TRN and client), UserSignedIn; a reused code: GrantRevoked", async () => {
    const trn = "4400001";
    const email = "audit.reg@example.com";
    addRecordsTeacher(system.dataDir, { trn, email, firstName: "Aud", lastName: "Itor" });
    const token = await createTrnToken(system, { trn, email });
    secrets.push(token);
    const issued = listEvents(db, { subject: `trn:${trn}` });
    const records = internalClientCredentials(system.config, "records").clientId;
    expect(issued).toEqual([expect.objectContaining({ type: "TrnTokenIssued", actor: `client:${records}`, payload: { clientId: records, trn, expiresAt: expect.any(Number) } })]);

    const browser = new Browser(system.urls.identity);
    const auth = await authorize(system, browser, { trnToken: token });
    await browser.post("/register");
    await browser.post("/register/phone", { noPhone: "yes" });
    await browser.post("/register/preferred-name", { choice: "0" });
    await browser.post("/register/check-answers");
    const { code, exchange, clientSecret } = await exchangeCode(browser, auth.verifier, auth.redirectUri);
    const first = await exchange();
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as Record<string, string>;
    secrets.push(code, clientSecret, ...Object.values(tokens).filter((v) => typeof v === "string" && v.length > 20));

    const sub = (db.$client.query("SELECT id FROM accounts WHERE trn = ?").get(trn) as { id: string }).id;
    const access = internalClientCredentials(system.config, "access").clientId;
    expect(eventsAbout(db, sub).map(({ type, actor, payload }) => ({ type, actor, payload }))).toEqual([
      { type: "UserRegistered", actor: `account:${sub}`, payload: { trn, clientId: records, withPhone: false } },
      { type: "UserSignedIn", actor: `account:${sub}`, payload: { clientId: access, registration: true } },
    ]);

    // The same code again: RFC 6749 says revoke what it issued.
    expect((await exchange()).status).toBe(400);
    expect(eventsAbout(db, sub).at(-1)).toMatchObject({ type: "GrantRevoked", actor: `client:${access}`, payload: { clientId: access, reason: "code-reused" } });
    // A third try changes nothing more: one event per revocation.
    await exchange();
    expect(typesAbout(sub)).toEqual(["UserRegistered", "UserSignedIn", "GrantRevoked"]);
  });

  test("a magic link bound to an existing account by signing in: TrnBound and one UserSignedIn", async () => {
    const trn = "4400002";
    const email = "audit.bind@example.com";
    addRecordsTeacher(system.dataDir, { trn, email });
    const account = insertAccount(db, { email: "audit.other@example.com", phoneNumber: null, givenName: "Kim", familyName: "Lee", preferredName: "Kim Lee", birthdate: "1988-02-03", trn: null });
    const token = await createTrnToken(system, { trn, email });
    secrets.push(token);
    const browser = new Browser(system.urls.identity);
    await authorize(system, browser, { trnToken: token });
    await browser.get("/sign-in");
    const sent = Date.now();
    await browser.post("/sign-in", { email: account.email });
    const code = await emailedCode(smtp, account.email, sent);
    secrets.push(code);
    await browser.post("/sign-in/code", { code });
    expect(browser.leftTo).toBeDefined();
    expect(eventsAbout(db, account.id).map(({ type, payload }) => ({ type, payload }))).toEqual([
      { type: "TrnBound", payload: { trn, via: "trn-token", clientId: internalClientCredentials(system.config, "records").clientId } },
      { type: "UserSignedIn", payload: { clientId: internalClientCredentials(system.config, "access").clientId, registration: true } },
    ]);
  });

  test("an operator's changes: ClientChanged (never the secret) and SigningKeyRotated", async () => {
    const { secret } = createClient(db, { clientId: "audit-client", name: "Audit", grantTypes: ["client_credentials"], scopes: ["users:read"], redirectUris: [], postLogoutRedirectUris: [] });
    const rotated = rotateClientSecret(db, "audit-client")!;
    secrets.push(secret, rotated);
    expect(listEvents(db, { subject: "client:audit-client" }).map(({ type, actor, payload }) => ({ type, actor, change: payload.change }))).toEqual([
      { type: "ClientChanged", actor: "operator:cli", change: "added" },
      { type: "ClientChanged", actor: "operator:cli", change: "secret-rotated" },
    ]);
    const vault = await unlockKeyVault(db, signingKeyPassphrase(system.config as { ENVIRONMENT: string; SIGNING_KEY_PASSPHRASE?: string }));
    const fresh = await rotateSigningKeys(db, vault, { keepPublishedMs: 60_000 });
    expect(listEvents(db, { type: "SigningKeyRotated" }).at(-1)).toMatchObject({ subject: "identity", payload: { kids: fresh.map((k) => k.kid) } });
  });

  test("`identity events list` filters by user, type, actor and time", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const run = (args: string[]) => runCli(["identity", "events", "list", ...args], { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATA_DIR: system.dataDir, ENVIRONMENT: "development" } });
    const sub = (db.$client.query("SELECT id FROM accounts WHERE trn = '4400001'").get() as { id: string }).id;
    out.length = 0;
    expect(await run(["--user", sub, "--type", "UserSignedIn"])).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(`UserSignedIn  by account:${sub}  about ${sub}`);
    out.length = 0;
    expect(await run(["--actor", "operator:cli", "--since", new Date(Date.now() - 60_000).toISOString()])).toBe(0);
    expect(out.join("\n")).toContain("ClientChanged");
    expect(out.join("\n")).not.toContain("UserSignedIn");
    out.length = 0;
    expect(await run(["--since", "2999-01-01T00:00:00Z"])).toBe(0);
    expect(out).toEqual(["No event matches."]);
    expect(await run(["--type", "Nope"])).toBe(2);
    expect(err.join("\n")).toContain("--type must be one of");
  });

  test("rows are never updated or deleted, and no secret, code, token or full email is in the events table", () => {
    expect(() => db.$client.run("UPDATE events SET payload = '{}'")).toThrow();
    expect(() => db.$client.run("DELETE FROM events")).toThrow();
    const table = JSON.stringify(db.select().from(events).all());
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    for (const secret of secrets) expect({ secret, found: table.includes(secret) }).toEqual({ secret, found: false });
    for (const email of ["audit.reg@example.com", "audit.bind@example.com", "audit.other@example.com"]) expect(table).not.toContain(email);
  });
});
