// Issue 11, item 3, attacked through the built binary (dist/teacher-id serve) over HTTP: a magic
// link is a long-lived bearer credential (forwarded, logged by proxies, read from shared inboxes),
// so when its email already has an account, the link alone must sign nobody in. The holder gets
// the normal sign-in (a code sent now to the account's address); the TRN is bound and the link
// consumed only after it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadServeConfig } from "../../src/cli/configuration";
import { insertAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { sha256 } from "../../src/security/tokens";
import { Browser, addRecordsTeacher, authorize, createTrnToken, pageText, redeem } from "../helpers/identity-journey";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import type { TestSystem } from "../helpers/system";

let served: ServedBinary;
let system: TestSystem;
let db: IdentityDatabaseFile;

beforeAll(async () => {
  served = await serveBinary();
  const configs = loadServeConfig(served.env, ["identity", "records", "access"]).services;
  system = { urls: served.urls, config: Object.assign({}, ...Object.values(configs)), dataDir: served.dataDir } as TestSystem;
  db = openIdentityDatabase(served.dataDir);
});
afterAll(async () => {
  db?.$client.close();
  await served?.stop();
});

const tokenRow = (token: string) =>
  db.$client.query("SELECT consumed_at, account_id FROM trn_tokens WHERE token_hash = ?").get(sha256(token)) as {
    consumed_at: number | null;
    account_id: string | null;
  };
const sessionsOf = (accountId: string) => (db.$client.query("SELECT count(*) AS n FROM sessions WHERE account_id = ?").get(accountId) as { n: number }).n;
const trnOf = (accountId: string) => (db.$client.query("SELECT trn FROM accounts WHERE id = ?").get(accountId) as { trn: string | null }).trn;

async function mailedCode(to: string, after: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const message = readDevMailbox(served.dataDir, { to }).find((m) => m.channel === "email" && m.createdAt >= after);
    const code = message && /\b(\d{6})\b/.exec(message.text)?.[1];
    if (code) return code;
    await Bun.sleep(20);
  }
  throw new Error(`no email with a code to ${to}`);
}

describe("item 3: a magic link alone never signs in to an existing account", () => {
  test("item 3: 'Continue' with a link to an existing account's address signs nobody in; a code sent now does, and only then is the TRN bound and the link consumed", async () => {
    const trn = "5300001";
    const email = "already.registered@example.com";
    addRecordsTeacher(served.dataDir, { trn, email, firstName: "Noor", lastName: "Haddad" });
    const account = insertAccount(db, { email, phoneNumber: null, givenName: "Noor", familyName: "Haddad", preferredName: "Noor Haddad", birthdate: "1990-02-03", trn: null });
    const token = await createTrnToken(system, { trn, email });

    // Whoever holds the link (a forwarded email, a proxy log) opens it and presses Continue.
    const holder = new Browser(system.urls.identity);
    const auth = await authorize(system, holder, { trnToken: token });
    expect(pageText(holder.html)).toContain("You already have a Teacher ID account");
    const sent = Date.now();
    await holder.post("/register/continue");
    // Before the fix this redirected to the client with a code, signed in. Now: "Check your email".
    expect(holder.leftTo).toBeUndefined();
    expect(holder.url).toBe(`${system.urls.identity}/sign-in/code`);
    expect(pageText(holder.html)).toContain("Check your email");
    expect(sessionsOf(account.id)).toBe(0);
    expect(tokenRow(token).consumed_at).toBeNull();
    expect(trnOf(account.id)).toBeNull();
    // Going straight to the client's callback or retrying Continue gets nobody in either.
    await holder.post("/register/continue");
    expect(holder.leftTo).toBeUndefined();
    expect(sessionsOf(account.id)).toBe(0);

    // The account's owner, with the code just emailed to the account's address, signs in: now the
    // TRN is bound and the link consumed, in that sign-in.
    await holder.post("/sign-in/code", { code: await mailedCode(email, sent) });
    const { idToken } = await redeem(system, holder, auth);
    expect(idToken).toMatchObject({ sub: account.id, trn });
    expect(tokenRow(token)).toMatchObject({ account_id: account.id });
    expect(tokenRow(token).consumed_at).not.toBeNull();
    expect(trnOf(account.id)).toBe(trn);
  });
});
