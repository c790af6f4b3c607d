// POST /v2/teachers/{trn}/itt-outcome is PUT's operation under another method (issue 18): clients
// told to "POST an outcome" get the same answers, the same idempotence and the same single email.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { outbox } from "../../src/outbox/schema";
import { openRecordsDatabase } from "../../src/records/db/database";
import { importTeacherCsv } from "../../src/records/import/import-teachers";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { clientToken, putOutcome, registerApiClient } from "../helpers/records-support";

let smtp: TestSmtpServer;
let system: TestSystem;
let writer: string;

const header =
  "trn,first_name,middle_name,last_name,date_of_birth,email,qts_date,itt_provider_ukprn,itt_provider_name,itt_programme_type,itt_subjects,itt_age_range_from,itt_age_range_to,itt_start_date,itt_end_date,itt_result";
let nextTrn = 7300000;
function addTeacher(): string {
  const trn = String(nextTrn++);
  const csv = `${header}\n${trn},Sam,,Taylor-${trn},1999-01-02,teacher.${trn}@example.com,,10000001,Riverside Teacher Training Partnership,Provider-led,Mathematics,11,16,2025-09-01,2026-07-31,InTraining\n`;
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
    return db.select().from(outbox).all().filter((row) => JSON.parse(row.payload).trn === trn);
  } finally {
    db.$client.close();
  }
}

const pass = (date: string) => ({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: date });
const post = { method: "POST" } as const;

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({ env: { SMTP_URL: smtp.url, OUTBOX_RETRY_MIN: "100ms", OUTBOX_RETRY_MAX: "500ms" } });
  writer = await clientToken(system.urls.identity, registerApiClient(system.dataDir, ["itt_outcome:write"]), "itt_outcome:write");
});
afterAll(async () => {
  await system?.stop();
  await smtp?.close();
});

describe("POST /v2/teachers/{trn}/itt-outcome: the same operation as PUT", () => {
  test("a POSTed Pass gives QTS and one invitation; POST and PUT repeated give the same answer and no second email", async () => {
    const trn = addTeacher();
    const email = `teacher.${trn}@example.com`;
    const first = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass("2026-07-01"), post);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ trn, qtsDate: "2026-07-01" });
    expect(first.headers.get("cache-control")).toBe("no-store");
    const message = await smtp.waitForMessage(email);
    expect(message.subject).toBe("You have been awarded qualified teacher status (QTS)");

    for (const method of ["PUT", "POST", "PUT"] as const) {
      const again = await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass("2026-07-01"), { method });
      expect({ method, status: again.status, body: again.body }).toEqual({ method, status: 200, body: first.body });
    }
    // Another teacher's invitation goes out after anything a repeat could have queued.
    const other = addTeacher();
    await putOutcome(system.urls.records, writer, other, "1999-01-02", pass("2026-07-01"), post);
    await smtp.waitForMessage(`teacher.${other}@example.com`);
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1);
    expect(outboxRowsFor(trn)).toHaveLength(1);
  });

  test("POST refuses exactly what PUT refuses, with the same problem", async () => {
    const trn = addTeacher();
    expect((await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass("2026-07-01"))).status).toBe(200);
    const cases: { name: string; token?: string; trn?: string; birthdate?: string; body?: unknown; init?: { rawBody?: string; contentType?: string } }[] = [
      { name: "a different QTS date (10003)", body: pass("2026-07-02") },
      { name: "an unknown teacher (10001)", trn: "7399999", body: pass("2026-07-01") },
      { name: "a wrong birthdate (10001)", birthdate: "1999-01-03", body: pass("2026-07-01") },
      { name: "no token", token: "", body: pass("2026-07-01") },
      { name: "a bad body", body: { outcome: "Passed" } },
      { name: "not JSON", init: { rawBody: "outcome=Pass", contentType: "application/x-www-form-urlencoded" } },
    ];
    for (const c of cases) {
      const [viaPut, viaPost] = await Promise.all(
        (["PUT", "POST"] as const).map((method) =>
          putOutcome(system.urls.records, c.token ?? writer, c.trn ?? trn, c.birthdate ?? "1999-01-02", c.body, { ...c.init, method }),
        ),
      );
      expect(viaPut.status).toBeGreaterThanOrEqual(400);
      expect({ name: c.name, status: viaPost.status, body: viaPost.body }).toEqual({ name: c.name, status: viaPut.status, body: viaPut.body });
      expect(viaPost.headers.get("content-type")).toBe(viaPut.headers.get("content-type"));
      expect(viaPost.headers.get("www-authenticate")).toBe(viaPut.headers.get("www-authenticate"));
    }
    expect(outboxRowsFor(trn)).toHaveLength(1);
  });
});
