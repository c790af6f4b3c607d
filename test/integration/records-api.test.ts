// The records API over real HTTP, with real tokens from identity's POST /token, and the invitation
// email delivered to a real SMTP server after records called identity's POST /trn-tokens.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { trnTokens } from "../../src/identity/db/schema";
import { outbox } from "../../src/outbox/schema";
import { openRecordsDatabase } from "../../src/records/db/database";
import { teachers } from "../../src/records/db/schema";
import { importTeacherCsv } from "../../src/records/import/import-teachers";
import { sha256 } from "../../src/security/tokens";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { clientToken, putOutcome, registerApiClient, trnTokenFromLink, userToken } from "../helpers/records-support";
import { loadApiDocument, watchApiResponses, type ResponseWatch } from "../helpers/openapi-conformance";

let smtp: TestSmtpServer;
let system: TestSystem;
let writer: string; // itt_outcome:write
let reader: string; // teachers:read
/** Every response of records' API in this file is checked against records' OpenAPI document. */
let watch: ResponseWatch;

const header =
  "trn,first_name,middle_name,last_name,date_of_birth,email,qts_date,itt_provider_ukprn,itt_provider_name,itt_programme_type,itt_subjects,itt_age_range_from,itt_age_range_to,itt_start_date,itt_end_date,itt_result";
let nextTrn = 7100000;
/** Adds a teacher in training at provider 10000001 and returns its TRN. */
function addTeacher(options: { email?: string | null; qtsDate?: string; result?: string; ukprn?: string } = {}): string {
  const trn = String(nextTrn++);
  const email = options.email === undefined ? `teacher.${trn}@example.com` : (options.email ?? "");
  const csv = `${header}\n${trn},Sam,,Taylor-${trn},1999-01-02,${email},${options.qtsDate ?? ""},${options.ukprn ?? "10000001"},Riverside Teacher Training Partnership,Provider-led,Mathematics;Physics,11,16,2025-09-01,2026-07-31,${options.result ?? "InTraining"}\n`;
  const db = openRecordsDatabase(system.dataDir);
  try {
    const result = importTeacherCsv(db, [csv]);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
  } finally {
    db.$client.close();
  }
  return trn;
}

function outboxRowsFor(trn: string) {
  const db = openRecordsDatabase(system.dataDir);
  try {
    return db
      .select()
      .from(outbox)
      .all()
      .filter((row) => JSON.parse(row.payload).trn === trn);
  } finally {
    db.$client.close();
  }
}

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date());
const pass = (date = "2026-07-01") => ({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: date });

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({ env: { SMTP_URL: smtp.url, OUTBOX_RETRY_MIN: "100ms", OUTBOX_RETRY_MAX: "500ms" } });
  const client = registerApiClient(system.dataDir, ["itt_outcome:write", "teachers:read"]);
  writer = await clientToken(system.urls.identity, client, "itt_outcome:write");
  reader = await clientToken(system.urls.identity, client, "teachers:read");
  watch = watchApiResponses(system.urls.records, await loadApiDocument(system.urls.records), {
    apiPrefixes: ["/v2", "/v3"],
    // Malformed JSON is refused while the body is read, before the route (and its rate limiter) runs.
    rateLimitFieldsExempt: ({ init }) => init?.body === "{not json",
  });
});
afterEach(() => {
  // Each response this test received matches the document's schema for its route and status.
  const failures = watch.failures.splice(0);
  expect(failures).toEqual([]);
});
afterAll(async () => {
  watch?.restore();
  // The check ran on this file's responses (a watch that saw nothing would prove nothing).
  expect(watch?.checked ?? 0).toBeGreaterThan(30);
  await system?.stop();
  await smtp?.close();
});

describe("PUT /v2/teachers/{trn}/itt-outcome: the invitation", () => {
  test("a Pass replies with the QTS date and sends exactly one email whose link carries a token identity holds for that TRN", async () => {
    const trn = addTeacher();
    const email = `teacher.${trn}@example.com`;
    const reply = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass());
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ trn, qtsDate: "2026-07-01" });

    const message = await smtp.waitForMessage(email);
    expect(message.subject).toBe("You have been awarded qualified teacher status (QTS)");
    expect(message.text).toContain(`Dear Sam Taylor-${trn}`);
    expect(message.text).toContain("1 July 2026");
    expect(message.text).toMatch(/The link works for \d+ (days|hours), until .+ on \d+ \w+ \d{4} \(UK time\)/);
    expect(message.text).toContain("If the link has expired");
    expect(message.html).toContain(`href="${system.urls.access}/register?trn_token=`);
    expect(message.html).not.toContain("<img");
    const token = trnTokenFromLink(message.text);
    expect(message.text).toContain(`${system.urls.access}/register?trn_token=`);

    const identityDb = openIdentityDatabase(system.dataDir);
    try {
      const row = identityDb.select().from(trnTokens).where(eq(trnTokens.tokenHash, sha256(token))).get();
      expect(row).toMatchObject({ trn, email, consumedAt: null });
      expect(row!.expiresAt).toBeGreaterThan(Date.now());
    } finally {
      identityDb.$client.close();
    }

    // Once sent, the secret link is no longer kept in records' outbox.
    const rows = outboxRowsFor(trn);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("sent");
    expect(rows[0].payload).not.toContain(token);
  });

  test("repeating the same Pass gives the same answer and sends no second email", async () => {
    const trn = addTeacher();
    const first = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass());
    await smtp.waitForMessage(`teacher.${trn}@example.com`);
    const second = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass());
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    // A later invitation to someone else goes out after anything the repeat could have queued.
    const other = addTeacher();
    await putOutcome(system.urls.records, writer, other, "1999-01-02", pass());
    await smtp.waitForMessage(`teacher.${other}@example.com`);
    expect(smtp.messages.filter((m) => m.to.includes(`teacher.${trn}@example.com`))).toHaveLength(1);
    expect(outboxRowsFor(trn)).toHaveLength(1);
  });

  test.each(["Fail", "Withdrawn", "Deferred", "DeferredForSkillsTests"])("%s records the result and sends no email", async (outcome) => {
    const trn = addTeacher();
    const reply = await putOutcome(system.urls.records, writer, trn, "1999-01-02", { ittProviderUkprn: "10000001", outcome });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ trn, qtsDate: null });
    const read = await fetch(`${system.urls.records}/v2/teachers/${trn}`, { headers: { authorization: `Bearer ${reader}` } });
    expect(((await read.json()) as any).initialTeacherTraining[0].result).toBe(outcome);
    expect(outboxRowsFor(trn)).toHaveLength(0);
    expect(smtp.messages.some((m) => m.to.includes(`teacher.${trn}@example.com`))).toBe(false);
  });

  test("a teacher with no email gets QTS, no email is queued, and a log line (masked) records it", async () => {
    const trn = addTeacher({ email: null });
    const reply = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass());
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ trn, qtsDate: "2026-07-01" });
    expect(outboxRowsFor(trn)).toHaveLength(0);
    const masked = `${trn.slice(0, 2)}***${trn.slice(-2)}`;
    const line = system.logs.find((l) => l.event === "invitation_skipped_no_email" && l.trn === masked);
    expect(line).toBeDefined();
    expect(JSON.stringify(system.logs)).not.toContain(`"${trn}"`);
  });

  test("a deferred trainee who later passes is invited", async () => {
    const trn = addTeacher({ result: "Deferred" });
    expect(await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass())).toMatchObject({ status: 200, body: { trn, qtsDate: "2026-07-01" } });
    await smtp.waitForMessage(`teacher.${trn}@example.com`);
  });

  test("SMTP refusing, then accepting: the email goes out exactly once", async () => {
    const trn = addTeacher();
    smtp.refuse = true;
    try {
      expect((await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass())).status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && (outboxRowsFor(trn)[0]?.attempts ?? 0) < 2) await Bun.sleep(20);
      expect(outboxRowsFor(trn)[0]).toMatchObject({ status: "pending" });
      expect(outboxRowsFor(trn)[0].attempts).toBeGreaterThanOrEqual(2);
    } finally {
      smtp.refuse = false;
    }
    await smtp.waitForMessage(`teacher.${trn}@example.com`);
    const other = addTeacher();
    await putOutcome(system.urls.records, writer, other, "1999-01-02", pass());
    await smtp.waitForMessage(`teacher.${other}@example.com`);
    expect(smtp.messages.filter((m) => m.to.includes(`teacher.${trn}@example.com`))).toHaveLength(1);
    // Every retry reused the one TRN token created before the first send.
    const identityDb = openIdentityDatabase(system.dataDir);
    try {
      expect(identityDb.select().from(trnTokens).where(eq(trnTokens.trn, trn)).all()).toHaveLength(1);
    } finally {
      identityDb.$client.close();
    }
  });
});

describe("PUT /v2/teachers/{trn}/itt-outcome: error codes", () => {
  test("10001 (404) for an unknown TRN", async () => {
    const reply = await putOutcome(system.urls.records, writer, "7999999", "1999-01-02", pass());
    expect(reply.status).toBe(404);
    expect(reply.headers.get("content-type")).toContain("application/problem+json");
    expect(reply.body).toMatchObject({ errorCode: 10001, status: 404 });
  });

  test("10001 (404) when the birthdate does not match, and nothing changes", async () => {
    const trn = addTeacher();
    const reply = await putOutcome(system.urls.records, writer, trn, "1999-01-03", pass());
    expect(reply.status).toBe(404);
    expect(reply.body.errorCode).toBe(10001);
    expect(outboxRowsFor(trn)).toHaveLength(0);
  });

  test("10002 (409) when more than one teacher has the TRN", async () => {
    const trn = addTeacher();
    const db = openRecordsDatabase(system.dataDir);
    try {
      // Duplicate records exist in DQT's data; import refuses them, so this one is written directly.
      const now = Date.now();
      db.insert(teachers).values({ trn, firstName: "Sam", lastName: "Duplicate", dateOfBirth: "1999-01-02", createdAt: now, updatedAt: now }).run();
    } finally {
      db.$client.close();
    }
    const reply = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass());
    expect(reply.status).toBe(409);
    expect(reply.body.errorCode).toBe(10002);
    const read = await fetch(`${system.urls.records}/v2/teachers/${trn}`, { headers: { authorization: `Bearer ${reader}` } });
    expect(read.status).toBe(409);
    expect(((await read.json()) as any).errorCode).toBe(10002);
  });

  test("10003 (409) when the teacher already has a different QTS date; the same date is accepted", async () => {
    const trn = addTeacher({ qtsDate: "2019-07-15", email: null });
    const reply = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass("2026-07-01"));
    expect(reply.status).toBe(409);
    expect(reply.body.errorCode).toBe(10003);
    const same = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass("2019-07-15"));
    expect(same.status).toBe(200);
    expect(same.body).toEqual({ trn, qtsDate: "2019-07-15" });
  });

  test("10005 (400) when the provider has no ITT record for the teacher", async () => {
    const trn = addTeacher();
    const reply = await putOutcome(system.urls.records, writer, trn, "1999-01-02", { ...pass(), ittProviderUkprn: "10009999" });
    expect(reply.status).toBe(400);
    expect(reply.body.errorCode).toBe(10005);
  });

  test("10005 (400) when the provider's ITT record is closed (already failed, or passed and then failed)", async () => {
    const failed = addTeacher({ result: "Fail" });
    expect((await putOutcome(system.urls.records, writer, failed, "1999-01-02", pass())).body.errorCode).toBe(10005);
    const passed = addTeacher();
    expect((await putOutcome(system.urls.records, writer, passed, "1999-01-02", pass())).status).toBe(200);
    const reply = await putOutcome(system.urls.records, writer, passed, "1999-01-02", { ittProviderUkprn: "10000001", outcome: "Withdrawn" });
    expect(reply.status).toBe(400);
    expect(reply.body.errorCode).toBe(10005);
  });
});

describe("PUT /v2/teachers/{trn}/itt-outcome: validation (400 problem+json naming each field)", () => {
  const cases: [string, string, string | undefined, unknown, string, RegExp][] = [
    ["a TRN that is not 7 digits", "123456", "1999-01-02", pass(), "trn", /7 digits/],
    ["a missing birthdate", "7000000", undefined, pass(), "birthdate", /required/],
    ["an impossible birthdate", "7000000", "1999-02-30", pass(), "birthdate", /real date/],
    ["a missing ittProviderUkprn", "7000000", "1999-01-02", { outcome: "Fail" }, "ittProviderUkprn", /required/],
    ["a UKPRN that is not 8 digits", "7000000", "1999-01-02", { ittProviderUkprn: "1234", outcome: "Fail" }, "ittProviderUkprn", /8 digits/],
    ["a missing outcome", "7000000", "1999-01-02", { ittProviderUkprn: "10000001" }, "outcome", /one of Pass, Fail/],
    ["an unknown outcome", "7000000", "1999-01-02", { ittProviderUkprn: "10000001", outcome: "Passed" }, "outcome", /one of Pass, Fail/],
    ["a Pass without assessmentDate", "7000000", "1999-01-02", { ittProviderUkprn: "10000001", outcome: "Pass" }, "assessmentDate", /required when outcome is Pass/],
    ["an assessmentDate in the future", "7000000", "1999-01-02", pass("2999-01-01"), "assessmentDate", /not be in the future/],
    ["an impossible assessmentDate", "7000000", "1999-01-02", pass("2026-13-01"), "assessmentDate", /real date/],
    ["an assessmentDate with a non-Pass outcome", "7000000", "1999-01-02", { ittProviderUkprn: "10000001", outcome: "Fail", assessmentDate: "2026-07-01" }, "assessmentDate", /must not be given unless outcome is Pass/],
    ["a body that is not an object", "7000000", "1999-01-02", ["Pass"], "body", /JSON object/],
  ];
  test.each(cases)("%s", async (_name, trn, birthdate, body, field, message) => {
    const reply = await putOutcome(system.urls.records, writer, trn, birthdate, body);
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toContain("application/problem+json");
    expect(reply.body.errors[field].join(" ")).toMatch(message);
  });

  test("an assessment date of today is accepted", async () => {
    const trn = addTeacher({ email: null });
    expect(await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass(today))).toMatchObject({ status: 200, body: { trn, qtsDate: today } });
  });

  test("every problem in one request is reported together", async () => {
    const reply = await putOutcome(system.urls.records, writer, "12", undefined, { outcome: "Nope" });
    expect(reply.status).toBe(400);
    expect(Object.keys(reply.body.errors).sort()).toEqual(["birthdate", "ittProviderUkprn", "outcome", "trn"]);
  });

  test("malformed JSON is a 400 problem, never a 500", async () => {
    const reply = await putOutcome(system.urls.records, writer, "7000000", "1999-01-02", null, { rawBody: "{not json" });
    expect(reply.status).toBe(400);
    expect(reply.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("API authentication", () => {
  test("no token: 401 with a Bearer challenge", async () => {
    const reply = await putOutcome(system.urls.records, undefined, "7000000", "1999-01-02", pass());
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toStartWith("Bearer");
  });

  test("a tampered token: 401", async () => {
    const tampered = writer.slice(0, -4) + (writer.endsWith("AAAA") ? "BBBB" : "AAAA");
    const reply = await putOutcome(system.urls.records, tampered, "7000000", "1999-01-02", pass());
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(reply.body.detail).toBe("The access token's signature is not valid.");
  });

  test("a token without the scope: 403 (itt-outcome needs itt_outcome:write; reading needs teachers:read)", async () => {
    const write = await putOutcome(system.urls.records, reader, "7000000", "1999-01-02", pass());
    expect(write.status).toBe(403);
    expect(write.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope", scope="itt_outcome:write"');
    const read = await fetch(`${system.urls.records}/v2/teachers/7000000`, { headers: { authorization: `Bearer ${writer}` } });
    expect(read.status).toBe(403);
    expect(read.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope", scope="teachers:read"');
    expect(((await read.json()) as { firstName?: string }).firstName).toBeUndefined();
  });
});

describe("GET /v2/teachers/{trn} and GET /v3/teacher", () => {
  const expectedShape = (trn: string) => ({
    trn,
    firstName: "Sam",
    middleName: null,
    lastName: `Taylor-${trn}`,
    dateOfBirth: "1999-01-02",
    dateOfBirthProvenance: "dqt",
    email: `teacher.${trn}@example.com`,
    qtsDate: null,
    qtsRoute: null,
    eytsDate: null,
    inductionStatus: null,
    induction: { status: null, startDate: null, completedDate: null },
    npqs: [],
    mandatoryQualifications: [],
    initialTeacherTraining: [
      {
        providerUkprn: "10000001",
        providerName: "Riverside Teacher Training Partnership",
        programmeType: "Provider-led",
        subjects: ["Mathematics", "Physics"],
        ageRangeFrom: 11,
        ageRangeTo: 16,
        startDate: "2025-09-01",
        endDate: "2026-07-31",
        result: "InTraining",
      },
    ],
    // No Teacher ID account has told records it holds this TRN.
    teacherIdAccount: { exists: false, since: null },
  });

  test("returns the record, with or without a matching birthdate", async () => {
    const trn = addTeacher();
    for (const query of ["", "?birthdate=1999-01-02", "?birthdate="]) {
      const response = await fetch(`${system.urls.records}/v2/teachers/${trn}${query}`, { headers: { authorization: `Bearer ${reader}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(expectedShape(trn));
    }
  });

  test("a birthdate that does not match is 10001 (404); a malformed one is 400; an unknown TRN is 404", async () => {
    const trn = addTeacher();
    const get = (path: string) => fetch(`${system.urls.records}${path}`, { headers: { authorization: `Bearer ${reader}` } });
    const mismatch = await get(`/v2/teachers/${trn}?birthdate=2000-01-01`);
    expect(mismatch.status).toBe(404);
    expect(((await mismatch.json()) as any).errorCode).toBe(10001);
    const malformed = await get(`/v2/teachers/${trn}?birthdate=01/02/1999`);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).errors.birthdate).toBeDefined();
    const unknown = await get(`/v2/teachers/7999998`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ errorCode: 10001, title: "Teacher with specified TRN not found." });
    const notATrn = await get(`/v2/teachers/abc`);
    expect(notATrn.status).toBe(400);
    expect(((await notATrn.json()) as any).errors).toEqual({ trn: ["must be 7 digits"] });
  });

  test("/v3/teacher returns the signed-in teacher's own record for a token with dqt:read and trn", async () => {
    const trn = addTeacher();
    const token = await userToken(system.dataDir, system.urls, { sub: "account-1", scopes: ["openid", "dqt:read", "trn"], trn });
    const response = await fetch(`${system.urls.records}/v3/teacher`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    // Their own record also lists their open change requests (none here): see change-requests.test.ts.
    expect(await response.json()).toEqual({ ...expectedShape(trn), pendingDetailChanges: [] });
  });

  test("/v3/teacher refuses a token without dqt:read (403), without a trn claim (403), and no token (401)", async () => {
    const trn = addTeacher();
    const noScope = await userToken(system.dataDir, system.urls, { sub: "account-2", scopes: ["openid", "trn", "teachers:read"], trn });
    const noTrn = await userToken(system.dataDir, system.urls, { sub: "account-3", scopes: ["openid", "dqt:read"] });
    const get = (token?: string) =>
      fetch(`${system.urls.records}/v3/teacher`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const refusal = async (token?: string) => {
      const response = await get(token);
      const body = (await response.json()) as { detail: string; trn?: string };
      return { status: response.status, challenge: response.headers.get("www-authenticate"), detail: body.detail, trn: body.trn };
    };
    expect(await refusal(noScope)).toEqual({ status: 403, challenge: 'Bearer error="insufficient_scope", scope="dqt:read"', detail: expect.stringContaining("dqt:read"), trn: undefined });
    expect(await refusal(noTrn)).toMatchObject({ status: 403, detail: expect.stringContaining("no trn claim"), trn: undefined });
    expect(await refusal()).toMatchObject({ status: 401, challenge: "Bearer", trn: undefined });
  });
});
