// When records cannot be reached, a valid link shows "try again later", consumes nothing, and the
// same link works once records is back.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { trnTokens } from "../../src/identity/db/schema";
import { sha256 } from "../../src/security/tokens";
import { Browser, authorize, createTrnToken, pageText } from "../helpers/identity-journey";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { startUnreachableServer, type UnreachableServer } from "../helpers/unreachable-server";

let system: TestSystem;
let db: IdentityDatabaseFile;
let records: UnreachableServer;

beforeAll(async () => {
  // identity looks for records at an address that cannot be reached yet.
  records = await startUnreachableServer();
  system = await startTestSystem({ env: { RECORDS_URL: records.url } });
  db = openIdentityDatabase(system.dataDir);
});
afterAll(async () => {
  db.$client.close();
  await system.stop();
  await records.close();
});

test("records down: 'try again later', nothing consumed; the same link works when records is back", async () => {
  const token = await createTrnToken(system, { trn: "1234568", email: "oliver.bennett@example.com" });
  const browser = new Browser(system.urls.identity);
  await authorize(system, browser, { trnToken: token });
  expect(browser.status).toBe(503);
  const text = pageText(browser.html);
  expect(text).toContain("Sorry, you cannot create your account at the moment");
  expect(text).toContain("Try again later");
  await browser.post("/register");
  expect(browser.status).toBe(503);
  expect(pageText(browser.html)).toContain("Try again later");
  expect(db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get()!.consumedAt).toBeNull();

  // records comes back at the address identity uses (a plain proxy to the running records service).
  records.comeBack(async (request) => {
    const url = new URL(request.url);
    const headers = { authorization: request.headers.get("authorization") ?? "", accept: "application/json" };
    const response = await fetch(`${system.system.listening.records}${url.pathname}${url.search}`, { headers });
    return new Response(await response.text(), { status: response.status, headers: { "content-type": "application/json" } });
  });
  const again = new Browser(system.urls.identity);
  await authorize(system, again, { trnToken: token });
  expect(again.status).toBe(200);
  expect(pageText(again.html)).toContain("Create a Teacher ID account");
});
