// Issue 19, item 3: the date of birth a teacher gives while registering (their record has none)
// reaches records, through identity's outbox, as given by the teacher and not yet checked; access
// shows it with that note. Through the built binary over HTTP; identity and access reach records
// through a proxy that this test can take down, so records can be "down" when the account is made.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { loadServeConfig } from "../../src/cli/configuration";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";
import { teachers } from "../../src/records/db/schema";
import { outbox } from "../../src/outbox/schema";
import { HttpBrowser } from "../helpers/access-http-browser";
import { Browser, addRecordsTeacher, authorize, createTrnToken, pageText } from "../helpers/identity-journey";
import { clientToken, registerApiClient } from "../helpers/records-support";
import { serveBinary, type ServedBinary } from "../helpers/served-binary";
import type { TestSystem } from "../helpers/system";

let served: ServedBinary;
let system: TestSystem;
let identityDb: IdentityDatabaseFile;
let recordsDb: RecordsDatabase;
/** While true, the proxy answers every request for records with 503, as a records that is down. */
let recordsDown = false;
let proxy: ReturnType<typeof Bun.serve>;
let nextTrn = 7300001;

beforeAll(async () => {
  let recordsPort = "";
  proxy = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      if (recordsDown) return new Response("down", { status: 503 });
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const body = request.method === "GET" ? undefined : await request.text();
      const answer = await fetch(`http://127.0.0.1:${recordsPort}${url.pathname}${url.search}`, { method: request.method, headers, body });
      return new Response(await answer.text(), { status: answer.status, headers: { "content-type": answer.headers.get("content-type") ?? "application/json" } });
    },
  });
  served = await serveBinary({ env: { RECORDS_URL: `http://127.0.0.1:${proxy.port}`, OUTBOX_RETRY_MIN: "200ms", OUTBOX_RETRY_MAX: "400ms" } });
  recordsPort = served.env.RECORDS_PORT;
  system = {
    urls: served.urls,
    config: Object.assign({}, ...Object.values(loadServeConfig(served.env, ["identity", "records", "access"]).services)),
    dataDir: served.dataDir,
  } as TestSystem;
  identityDb = openIdentityDatabase(served.dataDir);
  recordsDb = openRecordsDatabase(served.dataDir);
}, 30_000);
afterAll(async () => {
  identityDb?.$client.close();
  recordsDb?.$client.close();
  await served?.stop();
  proxy?.stop(true);
});

const record = (trn: string) => recordsDb.select().from(teachers).where(eq(teachers.trn, trn)).get()!;

async function eventually<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  while (!done(value) && Date.now() < deadline) {
    await Bun.sleep(50);
    value = read();
  }
  return value;
}

/** A teacher whose record has no date of birth registers, giving 27 March 1990; returns the identity browser. */
async function register(beforeCreating: () => void = () => {}): Promise<{ trn: string; browser: Browser }> {
  const trn = String(nextTrn++);
  const email = `dob.${trn}@example.com`;
  addRecordsTeacher(served.dataDir, { trn, email, firstName: "Noor", lastName: "Haddad", dateOfBirth: null });
  const browser = new Browser(served.urls.identity);
  await authorize(system, browser, { trnToken: await createTrnToken(system, { trn, email }) });
  expect(pageText(browser.html)).toContain("your date of birth");
  await browser.post("/register");
  await browser.post("/register/phone", { noPhone: "yes" });
  await browser.post("/register/preferred-name", { choice: "0" });
  await browser.post("/register/date-of-birth", { day: "27", month: "3", year: "1990" });
  expect(browser.url).toEndWith("/register/check-answers");
  beforeCreating();
  await browser.post("/register/check-answers");
  expect(browser.leftTo).toStartWith(`${served.urls.access}/sign-in/callback`);
  return { trn, browser };
}

describe("registration of a teacher whose record has no date of birth", () => {
  test("records holds the answer as given by the teacher; access shows it with that note", async () => {
    const { trn, browser } = await register();
    const held = await eventually(() => record(trn), (t) => t.dateOfBirth !== null);
    expect(held).toMatchObject({ dateOfBirth: "1990-03-27", dateOfBirthProvenance: "teacher" });
    expect(held.dateOfBirthGivenAt).toBeNumber();

    // access, signing in with the identity session the registration left.
    const access = new HttpBrowser();
    access.cookies.set("identity_session", browser.cookies.get("identity_session")!);
    const { response, url } = await access.follow(`${served.urls.access}/sign-in`);
    expect(url).toBe(`${served.urls.access}/qualifications`);
    const text = pageText(await response.text());
    expect(text).toContain("Date of birth 27 March 1990 Given by you, not yet checked");

    // Teacher ID's own account page reads the record too, and says the same.
    await browser.get("/account");
    expect(pageText(browser.html)).toContain("Date of birth 27 March 1990 (given by you, not yet checked)");
  });

  test("records down when the account is made: the date reaches records once it is back", async () => {
    const { trn } = await register(() => (recordsDown = true));
    const pending = () => identityDb.select().from(outbox).all().filter((m) => m.kind === "records-date-of-birth" && m.payload.includes(trn));
    const tried = await eventually(pending, (rows) => rows.length === 1 && rows[0].attempts >= 2);
    expect(tried[0].attempts).toBeGreaterThanOrEqual(2);
    expect(tried[0].status).toBe("pending");
    expect(record(trn).dateOfBirth).toBeNull();

    recordsDown = false;
    const held = await eventually(() => record(trn), (t) => t.dateOfBirth !== null);
    expect(held).toMatchObject({ dateOfBirth: "1990-03-27", dateOfBirthProvenance: "teacher" });
    const sent = await eventually(pending, (rows) => rows[0].status === "sent");
    expect(sent[0].status).toBe("sent");
    // Once records has it, the outbox keeps no date of birth.
    expect(sent[0].payload).not.toContain("1990-03-27");
  });
});

describe("PUT /v2/teachers/{trn}/date-of-birth-from-teacher", () => {
  const put = (token: string, trn: string, body: unknown) =>
    fetch(`${served.urls.records}/v2/teachers/${trn}/date-of-birth-from-teacher`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  test("never replaces a date from DQT; refuses bad dates and clients without the scope; only DQT dates match ?birthdate=", async () => {
    const token = await clientToken(served.urls.identity, internalClientCredentials(system.config, "identity"), "date_of_birth:write");
    const known = String(nextTrn++);
    addRecordsTeacher(served.dataDir, { trn: known, email: `known.${known}@example.com`, dateOfBirth: "1985-11-02" });
    const kept = await put(token, known, { dateOfBirth: "1990-03-27" });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toEqual({ trn: known, dateOfBirth: "1985-11-02", dateOfBirthProvenance: "dqt", stored: false });
    expect(record(known)).toMatchObject({ dateOfBirth: "1985-11-02", dateOfBirthProvenance: "dqt" });

    const unknown = String(nextTrn++);
    addRecordsTeacher(served.dataDir, { trn: unknown, email: `unknown.${unknown}@example.com`, dateOfBirth: null });
    const future = await put(token, unknown, { dateOfBirth: "2999-01-01" });
    expect(future.status).toBe(400);
    expect(((await future.json()) as { errors: Record<string, string[]> }).errors).toEqual({ dateOfBirth: ["dateOfBirth must be in the past"] });
    const missing = await put(token, "7999999", { dateOfBirth: "1990-03-27" });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { errorCode: number }).errorCode).toBe(10001);
    const reader = await clientToken(served.urls.identity, registerApiClient(served.dataDir, ["teachers:read"]), "teachers:read");
    expect((await put(reader, unknown, { dateOfBirth: "1990-03-27" })).status).toBe(403);
    expect(record(unknown).dateOfBirth).toBeNull();

    const stored = await put(token, unknown, { dateOfBirth: "1990-03-27" });
    expect(await stored.json()).toEqual({ trn: unknown, dateOfBirth: "1990-03-27", dateOfBirthProvenance: "teacher", stored: true });
    const read = await fetch(`${served.urls.records}/v2/teachers/${unknown}`, { headers: { authorization: `Bearer ${reader}` } });
    expect(await read.json()).toMatchObject({ dateOfBirth: "1990-03-27", dateOfBirthProvenance: "teacher" });
    // A teacher's own answer does not identify them to an API client.
    expect((await fetch(`${served.urls.records}/v2/teachers/${unknown}?birthdate=1990-03-27`, { headers: { authorization: `Bearer ${reader}` } })).status).toBe(404);
  });
});
