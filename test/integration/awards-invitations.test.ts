// Every path to an award sends its email once, over real HTTP and a real SMTP server: an ITT Pass,
// a CSV import with a qts_date, PUT .../qts, .../eyts and .../induction (Passed). A repeat, or a
// second path to the same award, sends nothing. A teacher who already has an account gets a
// sign-in link instead of a registration link. An import of many awarded teachers invites each once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { outbox } from "../../src/outbox/schema";
import { recordsCommands } from "../../src/records/cli";
import { openRecordsDatabase } from "../../src/records/db/database";
import { importTeacherCsv } from "../../src/records/import/import-teachers";
import { seeding } from "../helpers/access-seed";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { startTestSystem, type TestSystem } from "../helpers/system";
import { clientToken, putOutcome, registerApiClient } from "../helpers/records-support";

let smtp: TestSmtpServer;
let system: TestSystem;
let writer: string;

const header = "trn,first_name,last_name,date_of_birth,email,qts_date,itt_provider_ukprn,itt_provider_name,itt_result";
let nextTrn = 7400000;
function importTeachers(rows: { qtsDate?: string }[]): string[] {
  const trns = rows.map(() => String(nextTrn++));
  const lines = rows.map((r, i) => `${trns[i]},Sam,Taylor-${trns[i]},1999-01-02,teacher.${trns[i]}@example.com,${r.qtsDate ?? ""},10000001,Riverside,${r.qtsDate ? "Pass" : "InTraining"}`);
  const db = openRecordsDatabase(system.dataDir);
  try {
    const result = importTeacherCsv(db, [`${header}\n${lines.join("\n")}\n`]);
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 3)));
  } finally {
    db.$client.close();
  }
  return trns;
}
const emailOf = (trn: string) => `teacher.${trn}@example.com`;

function outboxRows() {
  const db = openRecordsDatabase(system.dataDir);
  try {
    return db.select().from(outbox).all();
  } finally {
    db.$client.close();
  }
}
const rowsFor = (trn: string) => outboxRows().filter((row) => JSON.parse(row.payload).trn === trn);

async function put(trn: string, what: "qts" | "eyts" | "induction", body: unknown, token = writer) {
  const response = await fetch(`${system.urls.records}/v2/teachers/${trn}/${what}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** After the repeats, one more teacher's email arrives: anything a repeat queued would be out by then. */
async function settle(): Promise<void> {
  const [other] = importTeachers([{}]);
  await put(other, "qts", { qtsDate: "2026-07-01", route: "Other" });
  await smtp.waitForMessage(emailOf(other));
}
const sentTo = (trn: string) => smtp.messages.filter((m) => m.to.includes(emailOf(trn)));

async function outboxList(): Promise<string> {
  const out: string[] = [];
  const code = await recordsCommands.run(["outbox", "list", "--limit", "100000"], { out: (l) => out.push(l), err: (l) => out.push(l), env: { DATA_DIR: system.dataDir } });
  expect(code).toBe(0);
  return out.join("\n");
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  system = await startTestSystem({ env: { SMTP_URL: smtp.url, OUTBOX_RETRY_MIN: "100ms", OUTBOX_RETRY_MAX: "500ms" } });
  const client = registerApiClient(system.dataDir, ["itt_outcome:write", "qts:write", "induction:write"]);
  writer = await clientToken(system.urls.identity, client, "itt_outcome:write qts:write induction:write");
});
afterAll(async () => {
  await system?.stop();
  await smtp?.close();
});

test("an awarding service holding only qts:write (or only induction:write) gets a token records accepts", async () => {
  const [qtsTrn, inductionTrn] = importTeachers([{}, {}]);
  const qtsOnly = await clientToken(system.urls.identity, registerApiClient(system.dataDir, ["qts:write"]), "qts:write");
  expect((await put(qtsTrn, "qts", { qtsDate: "2026-07-01", route: "AssessmentOnly" }, qtsOnly)).status).toBe(200);
  const inductionOnly = await clientToken(system.urls.identity, registerApiClient(system.dataDir, ["induction:write"]), "induction:write");
  const induction = await put(inductionTrn, "induction", { status: "InProgress", startDate: "2025-09-01" }, inductionOnly);
  expect(induction.status).toBe(200);
});

describe("every path to an award sends one email, and a repeat none", () => {
  test("PUT .../qts (assessment only): one invitation with a registration link; repeats and an ITT Pass after it send nothing", async () => {
    const [trn] = importTeachers([{}]);
    const first = await put(trn, "qts", { qtsDate: "2026-07-01", route: "AssessmentOnly" });
    expect(first).toEqual({ status: 200, body: { trn, qtsDate: "2026-07-01", route: "AssessmentOnly" } });
    const message = await smtp.waitForMessage(emailOf(trn));
    expect(message.subject).toBe("You have been awarded qualified teacher status (QTS)");
    expect(message.text).toContain("/register?trn_token=");
    expect(await put(trn, "qts", { qtsDate: "2026-07-01", route: "AssessmentOnly" })).toEqual(first);
    expect((await put(trn, "qts", { qtsDate: "2026-07-02", route: "AssessmentOnly" })).body.errorCode).toBe(10003);
    // The ITT Pass that follows is recorded (same date), but QTS is not new: no second email.
    const pass = await putOutcome(system.urls.records, writer, trn, "1999-01-02", { ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" });
    expect(pass.body).toEqual({ trn, qtsDate: "2026-07-01" });
    await settle();
    expect(sentTo(trn)).toHaveLength(1);
    expect(rowsFor(trn)).toHaveLength(1);
    expect(await outboxList()).toMatch(new RegExp(`qts-invitation\\tsent\\t.*\\tput-qts`));
  });

  test("an ITT Pass: one invitation (reason itt-outcome-pass); repeated, none", async () => {
    const [trn] = importTeachers([{}]);
    const pass = { ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" };
    expect((await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass)).status).toBe(200);
    await smtp.waitForMessage(emailOf(trn));
    expect((await putOutcome(system.urls.records, writer, trn, "1999-01-02", pass)).status).toBe(200);
    expect((await put(trn, "qts", { qtsDate: "2026-07-01", route: "Other" })).body).toEqual({ trn, qtsDate: "2026-07-01", route: "InitialTeacherTraining" });
    await settle();
    expect(sentTo(trn)).toHaveLength(1);
    expect(JSON.parse(rowsFor(trn)[0].payload).reason).toBe("itt-outcome-pass");
  });

  test("an import with a qts_date: one invitation in the import's transaction; PUT .../qts with that date afterwards sends none", async () => {
    const [trn] = importTeachers([{ qtsDate: "2025-07-01" }]);
    expect(rowsFor(trn).map((r) => JSON.parse(r.payload).reason)).toEqual(["import-qts-date"]);
    const message = await smtp.waitForMessage(emailOf(trn));
    expect(message.text).toContain("Your QTS date is 1 July 2025");
    expect((await put(trn, "qts", { qtsDate: "2025-07-01", route: "Other" })).status).toBe(200);
    await settle();
    expect(sentTo(trn)).toHaveLength(1);
  });

  test("PUT .../eyts: its own email and link, once", async () => {
    const [trn] = importTeachers([{}]);
    expect(await put(trn, "eyts", { eytsDate: "2026-06-01" })).toEqual({ status: 200, body: { trn, eytsDate: "2026-06-01" } });
    const message = await smtp.waitForMessage(emailOf(trn));
    expect(message.subject).toBe("You have been awarded early years teacher status (EYTS)");
    expect(message.text).toContain("/register?trn_token=");
    expect((await put(trn, "eyts", { eytsDate: "2026-06-01" })).status).toBe(200);
    expect((await put(trn, "eyts", { eytsDate: "2026-06-02" })).body.errorCode).toBe(10052);
    await settle();
    expect(sentTo(trn)).toHaveLength(1);
  });

  test("PUT .../induction: InProgress sends nothing; Passed sends 'you have completed your induction' once", async () => {
    const [trn] = importTeachers([{ qtsDate: "2025-07-01" }]);
    await smtp.waitForMessage(emailOf(trn)); // the QTS invitation from the import
    const inProgress = await put(trn, "induction", { status: "InProgress", startDate: "2025-09-01" });
    expect(inProgress).toEqual({ status: 200, body: { trn, status: "InProgress", startDate: "2025-09-01", completedDate: null } });
    const bad = await put(trn, "induction", { status: "Passed", startDate: "2025-09-01" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.completedDate).toEqual(["completedDate is required when status is Passed"]);
    const passed = { status: "Passed", startDate: "2025-09-01", completedDate: "2026-07-20" };
    expect((await put(trn, "induction", passed)).status).toBe(200);
    const message = await smtp.waitForMessage(emailOf(trn), { match: (m) => m.subject === "You have completed your induction" });
    expect(message.text).toContain("20 July 2026");
    expect((await put(trn, "induction", passed)).status).toBe(200);
    await settle();
    expect(sentTo(trn).map((m) => m.subject)).toEqual(["You have been awarded qualified teacher status (QTS)", "You have completed your induction"]);
  });

  test("a teacher who already has an account gets 'your QTS is now on your record' with a sign-in link, not a registration link", async () => {
    const [trn] = importTeachers([{}]);
    const seed = seeding(system.dataDir);
    try {
      seed.signedInAtIdentity({ trn, firstName: "Sam", lastName: `Taylor-${trn}`, dateOfBirth: "1999-01-02", email: emailOf(trn) });
    } finally {
      seed.close();
    }
    await put(trn, "qts", { qtsDate: "2026-07-01", route: "OverseasTrainedTeacher" });
    const message = await smtp.waitForMessage(emailOf(trn));
    expect(message.subject).toBe("Your qualified teacher status (QTS) is now on your teaching record");
    expect(message.text).toContain(`${system.urls.access}/sign-in`);
    expect(message.text).not.toContain("trn_token");
    expect(await outboxList()).toContain("put-qts (has an account: sign-in link)");
  });

  test("a PUT without the scope is refused (403) and changes nothing", async () => {
    const [trn] = importTeachers([{}]);
    const other = await clientToken(system.urls.identity, registerApiClient(system.dataDir, ["itt_outcome:write"]), "itt_outcome:write");
    const response = await fetch(`${system.urls.records}/v2/teachers/${trn}/qts`, {
      method: "PUT",
      headers: { authorization: `Bearer ${other}`, "content-type": "application/json" },
      body: JSON.stringify({ qtsDate: "2026-07-01", route: "Other" }),
    });
    expect(response.status).toBe(403);
    expect(rowsFor(trn)).toHaveLength(0);
  });
});

describe("an import of many awarded teachers", () => {
  // `make test` imports 1,000; AWARD_IMPORT_TEACHERS=10000 (make soak) the 10,000.
  const count = Number(process.env.AWARD_IMPORT_TEACHERS ?? 1000);
  test(`${count} teachers with a qts_date: ${count} invitations, none twice`, async () => {
    const trns = importTeachers(Array.from({ length: count }, () => ({ qtsDate: "2025-07-01" })));
    const wanted = new Set(trns.map(emailOf));
    const deadline = Date.now() + 120_000;
    while (smtp.messages.filter((m) => wanted.has(m.to[0] ?? "")).length < count && Date.now() < deadline) await Bun.sleep(200);
    await settle();
    const received = smtp.messages.filter((m) => m.to.some((to) => wanted.has(to)));
    expect(received).toHaveLength(count);
    expect(new Set(received.map((m) => m.to.join())).size).toBe(count);
  }, 180_000);
});
