// Recording an ITT outcome is one transaction: the ITT result, the QTS date and the invitation in
// the outbox commit together or not at all.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { outbox } from "../../src/outbox/schema";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";
import { ittRecords, teachers } from "../../src/records/db/schema";
import { importTeacherCsv } from "../../src/records/import/import-teachers";
import { createIttOutcomeRecorder } from "../../src/records/itt-outcome/record-itt-outcome";

let dir: string;
let db: RecordsDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "itt-outcome-"));
  db = openRecordsDatabase(dir);
  const result = importTeacherCsv(db, [
    "trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_result\n" +
      "7200001,Ada,Lovelace,1990-12-10,ada@example.com,10000001,Riverside,InTraining\n",
  ]);
  expect(result.ok).toBe(true);
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const pass = { trn: "7200001", birthdate: "1990-12-10", ittProviderUkprn: "10000001", outcome: "Pass" as const, assessmentDate: "2026-07-01" };
const state = () => ({
  qtsDate: db.select().from(teachers).get()!.qtsDate,
  result: db.select().from(ittRecords).get()!.result,
  outbox: db.select().from(outbox).all().length,
});

test("when the invitation cannot be enqueued, the ITT result and QTS date are not changed either", () => {
  const record = createIttOutcomeRecorder(db);
  db.$client.run("CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox is full'); END");
  expect(() => record(pass)).toThrow("outbox is full");
  expect(state()).toEqual({ qtsDate: null, result: "InTraining", outbox: 0 });

  db.$client.run("DROP TRIGGER outbox_refuses");
  expect(record(pass)).toMatchObject({ ok: true, qtsDate: "2026-07-01", invitation: "enqueued" });
  expect(state()).toEqual({ qtsDate: "2026-07-01", result: "Pass", outbox: 1 });
  // The same call again: the same answer, and no second invitation.
  expect(record(pass)).toMatchObject({ ok: true, qtsDate: "2026-07-01", invitation: "none" });
  expect(state()).toEqual({ qtsDate: "2026-07-01", result: "Pass", outbox: 1 });
});
