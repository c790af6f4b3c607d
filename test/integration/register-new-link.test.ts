// "Email me a new link" from the expired-link page: the reply is the same whatever the token, a
// link is sent only for an expired token (once), and asking is rate-limited per client IP and per
// address. Real SMTP server; each browser has its own client IP (X-Forwarded-For behind a trusted proxy).
import { partlyMaskEmail } from "../../src/identity/accounts/accounts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { desc, eq } from "drizzle-orm";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { authorizationRequests, trnTokens } from "../../src/identity/db/schema";
import { sha256 } from "../../src/security/tokens";
import { Browser, addRecordsTeacher, authorize, createTrnToken, pageText } from "../helpers/identity-journey";
import { identityOutbox } from "../helpers/outbox";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let smtp: TestSmtpServer;
let db: IdentityDatabaseFile;
let nextTrn = 4200001;
let nextIp = 1;

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({
    env: { SMTP_URL: smtp.url, TRUST_PROXY: "true", CODE_SEND_LIMIT_PER_IP: "4", CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: "2" },
  });
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  db.$client.close();
  await system.stop();
  await smtp.close();
});

const newBrowser = (ip = `203.0.113.${nextIp++}`) => new Browser(system.urls.identity, { "x-forwarded-for": ip });

async function tokenFor(state: "valid" | "expired" | "used", email?: string) {
  const trn = String(nextTrn++);
  const teacher = { trn, email: email ?? `link-${trn}@example.com` };
  addRecordsTeacher(system.dataDir, teacher);
  const token = await createTrnToken(system, teacher);
  if (state === "expired") db.update(trnTokens).set({ expiresAt: Date.now() - 1000 }).where(eq(trnTokens.tokenHash, sha256(token))).run();
  if (state === "used") db.update(trnTokens).set({ consumedAt: Date.now() }).where(eq(trnTokens.tokenHash, sha256(token))).run();
  return { token, ...teacher };
}

/**
 * Opens the link, then posts the "email me a new link" form for its authorization request. Only the
 * expired page shows that form; for other tokens the test posts what an attacker would.
 */
async function askForNewLink(browser: Browser, token: string): Promise<void> {
  await authorize(system, browser, { trnToken: token });
  const request = db
    .select({ id: authorizationRequests.id })
    .from(authorizationRequests)
    .where(eq(authorizationRequests.trnTokenHash, sha256(token)))
    .orderBy(desc(authorizationRequests.createdAt))
    .get()!;
  await browser.post(`/interaction/${request.id}/new-link`);
}

const newLinkMails = (email: string) => smtp.messages.filter((m) => m.to.includes(email) && m.subject.includes("new link"));
/** New links identity has decided to send to the address (in its outbox the moment the reply is given). */
const newLinksQueued = (email: string) => identityOutbox(system.dataDir).filter((m) => m.to === email && m.subject?.includes("new link")).length;

describe("email me a new link", () => {
  test("still works when the teacher left the expired-link page open longer than the sign-in request lives", async () => {
    const expired = await tokenFor("expired");
    const browser = newBrowser();
    await authorize(system, browser, { trnToken: expired.token });
    const request = db
      .select({ id: authorizationRequests.id })
      .from(authorizationRequests)
      .where(eq(authorizationRequests.trnTokenHash, sha256(expired.token)))
      .get()!;
    // An hour later the authorization request itself has expired; the button must still send.
    db.update(authorizationRequests).set({ expiresAt: Date.now() - 1000 }).where(eq(authorizationRequests.id, request.id)).run();
    await browser.post(`/interaction/${request.id}/new-link`);
    expect(pageText(browser.html)).toContain("We have sent you a new link");
    const mail = await smtp.waitForMessage(expired.email, { match: (m) => m.subject.includes("new link") });
    expect(mail.text).toMatch(/\/register\?trn_token=[A-Za-z0-9_-]{43}/);
  });

  test("only the expired token gets a link, and its page says plainly where it went (partly masked); a valid, a used and an unknown token get the same 'not sent' reply", async () => {
    const replies: string[] = [];
    const expired = await tokenFor("expired");
    const valid = await tokenFor("valid");
    const used = await tokenFor("used");
    for (const token of [expired.token, valid.token, used.token, "C".repeat(43)]) {
      const browser = newBrowser();
      await askForNewLink(browser, token);
      expect(browser.status).toBe(200);
      replies.push(pageText(browser.html));
    }
    expect(replies[0]).toContain("We have sent you a new link");
    expect(replies[0]).toContain(partlyMaskEmail(expired.email));
    expect(replies[0]).not.toContain(expired.email);
    expect(new Set(replies.slice(1)).size).toBe(1);
    expect(replies[1]).toContain("We could not send you a new link");
    expect(newLinksQueued(expired.email)).toBe(1);
    expect(newLinksQueued(valid.email)).toBe(0);
    expect(newLinksQueued(used.email)).toBe(0);
    await smtp.waitForMessage(expired.email, { match: (m) => m.subject.includes("new link") });
  });

  test("asking is limited per client IP: past the limit a 'wait' page, whatever the token, and nothing is sent", async () => {
    const ip = "198.51.100.77";
    const tokens = await Promise.all([1, 2, 3, 4, 5].map(() => tokenFor("expired")));
    for (const [i, t] of tokens.entries()) {
      const queued = identityOutbox(system.dataDir).length;
      const browser = newBrowser(ip);
      await askForNewLink(browser, t.token);
      if (i < 4) {
        expect(browser.status).toBe(200);
        expect(pageText(browser.html)).toContain("We have sent you a new link");
        expect(newLinksQueued(t.email)).toBe(1);
      } else {
        expect(browser.status).toBe(429);
        expect(pageText(browser.html)).toContain("You have asked for too many new links");
        expect(identityOutbox(system.dataDir)).toHaveLength(queued);
      }
    }
    const queued = identityOutbox(system.dataDir).length;
    const refused = newBrowser(ip);
    await askForNewLink(refused, "D".repeat(43));
    expect(refused.status).toBe(429);
    expect(pageText(refused.html)).toContain("You have asked for too many new links");
    expect(identityOutbox(system.dataDir)).toHaveLength(queued);
    await smtp.waitForMessage(tokens[3].email, { match: (m) => m.subject.includes("new link") });
  });

  test("asking is limited per address: expired links to one address get at most the limit of new links; past it the page says none was sent", async () => {
    const email = `one-inbox-${Date.now()}@example.com`;
    const expired = [await tokenFor("expired", email), await tokenFor("expired", email), await tokenFor("expired", email)];
    const replies: string[] = [];
    for (const t of expired) {
      const browser = newBrowser();
      await askForNewLink(browser, t.token);
      expect(browser.status).toBe(200);
      replies.push(pageText(browser.html));
    }
    expect(replies.map((r) => r.includes("We have sent you a new link"))).toEqual([true, true, false]);
    expect(replies[2]).toContain("We could not send you a new link");
    expect(newLinksQueued(email)).toBe(2);
    await smtp.waitForMessage(email, { match: (m) => newLinkMails(email).length >= 2 && m.subject.includes("new link") });
  });
});
