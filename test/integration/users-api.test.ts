// The Users API (identity /api/v1/users) over real HTTP, with real client-credentials tokens, a real
// records service to check TRNs against, and every response checked against identity's OpenAPI
// document.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { insertAccount, type Account } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { accounts, events } from "../../src/identity/db/schema";
import { loadApiDocument, watchApiResponses, type ResponseWatch } from "../helpers/openapi-conformance";
import { addTeacherRecord, clientToken, registerApiClient } from "../helpers/records-support";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { startUnreachableServer, type UnreachableServer } from "../helpers/unreachable-server";

let system: TestSystem;
let db: IdentityDatabaseFile;
let watch: ResponseWatch;
let reader: string; // users:read
let phoneReader: string; // users:read phone
let writer: string; // users:write
let writerClientId: string;
let wrongScope: string; // trn_token:write

let nextTrn = 7300000;
const freshTrn = () => String(nextTrn++);
let nextEmail = 0;

/** An account as registration makes one; `trn: null` for one with no TRN yet. */
function addAccount(fields: { trn?: string | null; phoneNumber?: string | null; createdAt?: number } = {}): Account {
  nextEmail += 1;
  return insertAccount(
    db,
    {
      email: `Teacher.${nextEmail}.${Date.now()}@Example.com`,
      phoneNumber: fields.phoneNumber === undefined ? "+447700900123" : fields.phoneNumber,
      givenName: "Sam",
      familyName: "Taylor",
      preferredName: "Sam",
      birthdate: "1999-01-02",
      trn: fields.trn === undefined ? freshTrn() : fields.trn,
    },
    fields.createdAt,
  );
}

const api = (path: string, token: string | null, init: RequestInit = {}) =>
  fetch(`${system.urls.identity}${path}`, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) },
  });
const putTrn = (sub: string, trn: string, token: string | null = writer) =>
  api(`/api/v1/users/${encodeURIComponent(sub)}/trn`, token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ trn }),
  });
const trnEvents = (sub: string) => db.select().from(events).where(eq(events.subject, sub)).all();
const trnOf = (sub: string) => db.select({ trn: accounts.trn }).from(accounts).where(eq(accounts.id, sub)).get()?.trn;

beforeAll(async () => {
  system = await startTestSystem();
  db = openIdentityDatabase(system.dataDir);
  const readClient = registerApiClient(system.dataDir, ["users:read"]);
  const phoneClient = registerApiClient(system.dataDir, ["users:read", "phone"]);
  const writeClient = registerApiClient(system.dataDir, ["users:write", "trn_token:write"]);
  writerClientId = writeClient.clientId;
  reader = await clientToken(system.urls.identity, readClient, "users:read");
  phoneReader = await clientToken(system.urls.identity, phoneClient, "users:read phone");
  writer = await clientToken(system.urls.identity, writeClient, "users:write");
  wrongScope = await clientToken(system.urls.identity, writeClient, "trn_token:write");
  watch = watchApiResponses(system.urls.identity, await loadApiDocument(system.urls.identity), { apiPrefixes: ["/api/v1"] });
});
afterEach(() => {
  // Each response this test received matches identity's document for its route and status.
  expect(watch.failures.splice(0)).toEqual([]);
});
afterAll(async () => {
  watch?.restore();
  expect(watch?.checked ?? 0).toBeGreaterThan(20);
  db?.$client.close();
  await system?.stop();
});

describe("GET /api/v1/users/{sub} and ?email= / ?trn=", () => {
  test("finds an account by sub, by email (any case) and by TRN, the same each way, without a phone number", async () => {
    const account = addAccount();
    const bySub = await api(`/api/v1/users/${account.id}`, reader);
    expect(bySub.status).toBe(200);
    const user = await bySub.json();
    expect(user).toEqual({
      sub: account.id,
      email: account.email,
      emailVerified: true,
      givenName: "Sam",
      familyName: "Taylor",
      preferredName: "Sam",
      dateOfBirth: "1999-01-02",
      trn: account.trn,
      createdUtc: new Date(account.createdAt).toISOString(),
      updatedUtc: new Date(account.updatedAt).toISOString(),
    });
    expect(JSON.stringify(user)).not.toContain("7700900123");

    const byEmail = await (await api(`/api/v1/users?email=${encodeURIComponent(account.email.toUpperCase())}`, reader)).json();
    expect(byEmail).toEqual({ users: [user], nextCursor: null });
    const byTrn = await (await api(`/api/v1/users?trn=${account.trn}`, reader)).json();
    expect(byTrn).toEqual({ users: [user], nextCursor: null });
    const both = await (await api(`/api/v1/users?trn=${account.trn}&email=someone.else@example.com`, reader)).json();
    expect(both).toEqual({ users: [], nextCursor: null });
  });

  test("the phone number only for a client whose token also has the scope phone", async () => {
    const account = addAccount({ phoneNumber: "+447700900456" });
    const withPhone = await (await api(`/api/v1/users/${account.id}`, phoneReader)).json();
    expect(withPhone).toMatchObject({ sub: account.id, phoneNumber: "+447700900456", phoneNumberVerified: true });
    const listed = (await (await api(`/api/v1/users?trn=${account.trn}`, phoneReader)).json()) as { users: { phoneNumber?: string }[] };
    expect(listed.users[0].phoneNumber).toBe("+447700900456");
    const without = await api(`/api/v1/users?trn=${account.trn}`, reader);
    expect(await without.text()).not.toContain("7700900456");
  });

  test("an unknown sub is 404; bad parameters are 400 naming each one; a repeated one is refused", async () => {
    const missing = await api(`/api/v1/users/${crypto.randomUUID()}`, reader);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    const bad = await api("/api/v1/users?trn=12&email=not-an-email&limit=0", reader);
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { errors: object }).errors).sort()).toEqual(["email", "limit", "trn"]);
    const twice = await api("/api/v1/users?trn=7300000&trn=7300001", reader);
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { errors: object }).errors).toEqual({ trn: ["trn must be given once"] });
  });

  test("no token is 401; a token without users:read is 403; users:write alone cannot read", async () => {
    const none = await api("/api/v1/users", null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    for (const token of [wrongScope, writer]) {
      const refused = await api("/api/v1/users", token);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope", scope="users:read"');
      expect(await refused.text()).not.toContain("@example.com");
    }
  });
});

describe("GET /api/v1/users: pages by cursor", () => {
  test("paging through every account, 3 at a time, gives each exactly once, oldest first", async () => {
    // Same created time for several: the sub breaks the tie, so none is skipped or repeated.
    const base = Date.now() + 1_000_000;
    const made = [base, base, base, base + 1, base + 2, base + 2, base + 3].map((createdAt) => addAccount({ createdAt }).id);
    const all = db.select({ id: accounts.id }).from(accounts).orderBy(accounts.createdAt, accounts.id).all().map((a) => a.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = (await (await api(`/api/v1/users${query}`, reader)).json()) as { users: { sub: string }[]; nextCursor: string | null };
      expect(page.users.length).toBeLessThanOrEqual(3);
      seen.push(...page.users.map((u) => u.sub));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen).toEqual(all);
    expect(seen.slice(-made.length)).toEqual([...made].sort((a, b) => all.indexOf(a) - all.indexOf(b)));
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  test("a cursor this API did not give is a 400 naming cursor", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('["x","y"]').toString("base64url"), Buffer.from("[1]").toString("base64url")]) {
      const response = await api(`/api/v1/users?cursor=${cursor}`, reader);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: object }).errors).toEqual({ cursor: ["cursor is not one this API gave"] });
    }
  });
});

describe("PUT /api/v1/users/{sub}/trn", () => {
  test("binds a TRN records knows to an account without one, and writes one TrnBound event naming the client", async () => {
    const account = addAccount({ trn: null });
    const trn = freshTrn();
    addTeacherRecord(system.dataDir, trn);
    const response = await putTrn(account.id, trn);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: account.id, trn });
    expect(trnOf(account.id)).toBe(trn);
    const written = trnEvents(account.id);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ type: "TrnBound", actor: `client:${writerClientId}`, subject: account.id });
    expect(JSON.parse(written[0].payload)).toEqual({ trn });

    // Again: the same answer, nothing changed, no second event.
    const again = await putTrn(account.id, trn);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { trn: string }).trn).toBe(trn);
    expect(trnEvents(account.id)).toHaveLength(1);
  });

  test("a TRN another account holds: 409, and neither account changes", async () => {
    const holder = addAccount();
    const other = addAccount({ trn: null });
    const response = await putTrn(other.id, holder.trn!);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ status: 409, errorCode: "trn_bound_to_another_account" });
    expect(trnOf(other.id)).toBeNull();
    expect(trnOf(holder.id)).toBe(holder.trn);
    expect(trnEvents(other.id)).toHaveLength(0);
  });

  test("an account with a different TRN keeps it: 409", async () => {
    const account = addAccount();
    const trn = freshTrn();
    addTeacherRecord(system.dataDir, trn);
    const response = await putTrn(account.id, trn);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ errorCode: "account_has_another_trn" });
    expect(trnOf(account.id)).toBe(account.trn);
  });

  test("a TRN records does not know: 400 naming trn, nothing bound", async () => {
    const account = addAccount({ trn: null });
    const response = await putTrn(account.id, "7999990");
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: object }).errors).toEqual({ trn: ["No teacher has this TRN in the teaching record"] });
    expect(trnOf(account.id)).toBeNull();
    expect(trnEvents(account.id)).toHaveLength(0);
  });

  test("two accounts racing for one TRN: one gets it, the other 409, one event", async () => {
    const [first, second] = [addAccount({ trn: null }), addAccount({ trn: null })];
    const trn = freshTrn();
    addTeacherRecord(system.dataDir, trn);
    const statuses = (await Promise.all([putTrn(first.id, trn), putTrn(second.id, trn)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const holders = [first.id, second.id].filter((id) => trnOf(id) === trn);
    expect(holders).toHaveLength(1);
    expect(trnEvents(holders[0])).toHaveLength(1);
  });

  test("unknown sub 404, bad TRN 400, a form body 415, users:read only 403: nothing changes", async () => {
    expect((await putTrn(crypto.randomUUID(), freshTrn())).status).toBe(404);
    const account = addAccount({ trn: null });
    const bad = await putTrn(account.id, "12345");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: object }).errors).toEqual({ trn: ["TRN must be 7 digits"] });
    const form = await api(`/api/v1/users/${account.id}/trn`, writer, {
      method: "PUT",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "trn=7300999",
    });
    expect(form.status).toBe(415);
    const readOnly = await putTrn(account.id, freshTrn(), reader);
    expect(readOnly.status).toBe(403);
    expect(trnOf(account.id)).toBeNull();
  });
});

describe("PUT /api/v1/users/{sub}/trn with records down", () => {
  let down: UnreachableServer;
  let alone: TestSystem;
  afterAll(async () => {
    await alone?.stop();
    await down?.close();
  });

  test("503 with Retry-After, and nothing bound", async () => {
    down = await startUnreachableServer();
    alone = await startTestSystem({ only: ["identity"], env: { RECORDS_URL: down.url } });
    const aloneDb = openIdentityDatabase(alone.dataDir);
    try {
      const account = insertAccount(aloneDb, { email: "alone@example.com", phoneNumber: null, givenName: "A", familyName: "B", preferredName: null, birthdate: null, trn: null });
      const client = registerApiClient(alone.dataDir, ["users:write"]);
      const token = await clientToken(alone.urls.identity, client, "users:write");
      const response = await fetch(`${alone.urls.identity}/api/v1/users/${account.id}/trn`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ trn: "7300998" }),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(aloneDb.select().from(accounts).where(eq(accounts.id, account.id)).get()?.trn).toBeNull();
      expect(aloneDb.select().from(events).where(eq(events.subject, account.id)).all()).toHaveLength(0);
    } finally {
      aloneDb.$client.close();
    }
  });
});
