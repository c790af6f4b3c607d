// Loads a teacher CSV into records, all or nothing, in two steps:
//
// 1. The file is read a piece at a time; each row is checked and, if good, written to a scratch
//    SQLite file in the temp directory. Rows sharing a TRN are matched there; TRNs already in
//    records are found with plain reads. Memory does not grow with the file (200,000 rows once
//    took ~1.9 GB when the whole file was held), and records' database is not locked meanwhile.
// 2. Only when every row is good: one IMMEDIATE transaction copies the scratch rows into records
//    with two INSERT ... SELECT statements, so `serve` waits for records' write lock for the copy
//    only (about a second per 200,000 rows), never for the reading and checking.
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { changedRows } from "../../db/changed-rows";
import type { RecordsDatabase } from "../db/database";
import { CsvParser, type CsvRecord } from "./csv";
import { qtsInvitationKind, type InvitationReason } from "../invitations/award-invitation";
import { checkHeader, checkRow, teacherDetailKeys, type CsvProblem, type CsvTeacher, type TeacherCsvHeader, type TeacherCsvRow } from "./teacher-csv";

export interface ImportOptions {
  /** Called for each problem as it is found, in line order; without it they are collected in the result. */
  onProblem?: (problem: CsvProblem) => void;
  /** Check everything, including TRNs already in records, but load nothing. */
  dryRun?: boolean;
  /** A teacher whose TRN is already in records: a problem (operators' import) or left alone (demo seed). */
  existingTeachers?: "problem" | "skip";
  /**
   * Enqueue the QTS invitation for each new teacher with a qts_date and an email, in the copy's
   * transaction (default true). Only the demo seed turns it off: its teachers are fixtures.
   */
  invite?: boolean;
  now?: number;
}

export type ImportResult =
  | { ok: true; teachers: number; ittRecords: number; invitations: number; dryRun: boolean }
  | { ok: false; problemCount: number; problems: CsvProblem[] };

const importReason: InvitationReason = "import-qts-date";

/** Thrown inside the copy transaction to roll it back; never escapes importTeacherCsv. */
class RollBack extends Error {}

// The scratch database: records' two tables, keyed for matching rows by TRN and line.
const scratchSchema = [
  `CREATE TABLE teachers (trn TEXT PRIMARY KEY, line INTEGER NOT NULL, first_name TEXT NOT NULL, middle_name TEXT,
     last_name TEXT NOT NULL, date_of_birth TEXT, email TEXT, national_insurance_number TEXT, previous_last_names TEXT NOT NULL, qts_date TEXT, qts_route TEXT, induction_status TEXT)`,
  `CREATE TABLE itt_records (line INTEGER PRIMARY KEY, trn TEXT NOT NULL, provider_ukprn TEXT NOT NULL,
     provider_name TEXT NOT NULL, programme_type TEXT, subjects TEXT NOT NULL, age_range_from INTEGER,
     age_range_to INTEGER, start_date TEXT, end_date TEXT, result TEXT NOT NULL)`,
];
const teacherColumns =
  "trn, first_name, middle_name, last_name, date_of_birth, email, national_insurance_number, previous_last_names, qts_date, qts_route, induction_status";
const ittColumns = "provider_ukprn, provider_name, programme_type, subjects, age_range_from, age_range_to, start_date, end_date, result";

/** Imports CSV text given in pieces (e.g. readTextPieces(file), or [text]). */
export function importTeacherCsv(db: RecordsDatabase, pieces: Iterable<string>, options: ImportOptions = {}): ImportResult {
  const now = options.now ?? Date.now();
  const skipExisting = options.existingTeachers === "skip";
  const problems: CsvProblem[] = [];
  let problemCount = 0;
  const report = (problem: CsvProblem) => {
    problemCount++;
    if (options.onProblem) options.onProblem(problem);
    else problems.push(problem);
  };
  const failed = (): ImportResult => ({ ok: false, problemCount, problems });

  const scratchDir = mkdtempSync(join(tmpdir(), "teacher-id-import-"));
  const scratchFile = join(scratchDir, "import.sqlite");
  const scratch = new Database(scratchFile, { create: true, strict: true });
  let scratchOpen = true;
  try {
    // A throwaway file: no journal, no fsync.
    scratch.run("PRAGMA journal_mode = OFF");
    scratch.run("PRAGMA synchronous = OFF");
    for (const statement of scratchSchema) scratch.run(statement);

    // Step 1: read, check and stage every row.
    const inRecords = db.$client.query<{ found: number }, { trn: string }>("SELECT 1 AS found FROM teachers WHERE trn = $trn LIMIT 1");
    const staged = scratch.query<Record<string, unknown> & { line: number }, { trn: string }>(
      "SELECT line, first_name AS firstName, middle_name AS middleName, last_name AS lastName, date_of_birth AS dateOfBirth, " +
        "email, national_insurance_number AS nationalInsuranceNumber, previous_last_names AS previousLastNames, qts_date AS qtsDate, qts_route AS qtsRoute, induction_status AS inductionStatus FROM teachers WHERE trn = $trn",
    );
    const stageTeacher = scratch.query(
      `INSERT INTO teachers (line, ${teacherColumns}) VALUES ($line, $trn, $firstName, $middleName, $lastName, $dateOfBirth, $email, $nationalInsuranceNumber, $previousLastNames, $qtsDate, $qtsRoute, $inductionStatus)`,
    );
    const stageItt = scratch.query(
      `INSERT INTO itt_records (line, trn, ${ittColumns}) VALUES ($line, $trn, $providerUkprn, $providerName, $programmeType, $subjects, $ageRangeFrom, $ageRangeTo, $startDate, $endDate, $result)`,
    );
    let teacherCount = 0;
    let ittCount = 0;

    const stage = (row: TeacherCsvRow) => {
      const t: CsvTeacher = row.teacher;
      if (inRecords.get({ trn: t.trn })) {
        if (!skipExisting) report({ line: row.line, message: `a teacher with trn ${t.trn} is already in records (import adds new teachers only)` });
        return;
      }
      const first = staged.get({ trn: t.trn });
      if (first) {
        const differs = teacherDetailKeys.filter((k) => first[k] !== t[k]);
        if (differs.length) {
          report({ line: row.line, message: `trn ${t.trn} is also on line ${first.line} with different teacher details (${differs.join(", ")})` });
          return;
        }
      } else {
        stageTeacher.run({ line: row.line, ...t });
        teacherCount++;
      }
      if (row.itt) {
        stageItt.run({ line: row.line, trn: t.trn, ...row.itt, subjects: JSON.stringify(row.itt.subjects) });
        ittCount++;
      }
    };

    // undefined: no header read yet; null: the header is bad, so rows cannot be read.
    let header: TeacherCsvHeader | null | undefined;
    let rows = 0;
    const onRecord = (record: CsvRecord) => {
      if (header === undefined) {
        const checked = checkHeader(record);
        if (checked.ok) header = checked.header;
        else {
          header = null;
          checked.problems.forEach(report);
        }
        return;
      }
      if (header === null) return;
      rows++;
      const checked = checkRow(header, record);
      if (checked.ok) stage(checked.row);
      else checked.problems.forEach(report);
    };
    scratch.transaction(() => {
      const parser = new CsvParser();
      for (const piece of pieces) {
        parser.feed(piece, onRecord);
        if (header === null) break;
      }
      if (header !== null) {
        const error = parser.finish(onRecord);
        if (error) report(error);
      }
    })();
    if (header === undefined && problemCount === 0) report({ line: 1, message: "the file is empty: it needs a header row" });
    else if (header && rows === 0 && problemCount === 0) report({ line: header.line, message: "the file has a header but no rows" });
    if (problemCount > 0) return failed();
    if (options.dryRun) return { ok: true, teachers: teacherCount, ittRecords: ittCount, invitations: 0, dryRun: true };

    // Step 2: copy into records in one transaction.
    scratch.close();
    scratchOpen = false;
    const client = db.$client;
    client.run("ATTACH DATABASE ? AS import_scratch", [scratchFile]);
    try {
      return db.transaction(
        () => {
          // A teacher added since step 1 read records (e.g. by another import) is still refused.
          const taken = client
            .query<{ line: number; trn: string }, []>(
              "SELECT s.line, s.trn FROM import_scratch.teachers s WHERE EXISTS (SELECT 1 FROM main.teachers t WHERE t.trn = s.trn) ORDER BY s.line",
            )
            .all();
          if (taken.length && !skipExisting) {
            for (const { line, trn } of taken) report({ line, message: `a teacher with trn ${trn} is already in records (import adds new teachers only)` });
            throw new RollBack();
          }
          // New ids are above every id in use: the ITT records join their teachers by TRN among those.
          const { maxId } = client.query<{ maxId: number }, []>("SELECT coalesce(max(id), 0) AS maxId FROM main.teachers").get()!;
          const teachersAdded = changedRows(
            client
              .query(
                `INSERT INTO main.teachers (${teacherColumns}, created_at, updated_at)
                 SELECT ${teacherColumns}, $now, $now FROM import_scratch.teachers s
                 WHERE NOT EXISTS (SELECT 1 FROM main.teachers t WHERE t.trn = s.trn) ORDER BY s.line`,
              )
              .run({ now }),
          );
          const ittsAdded = changedRows(
            client
              .query(
                `INSERT INTO main.itt_records (teacher_id, ${ittColumns}, updated_at)
                 SELECT t.id, ${ittColumns.split(", ").map((c) => `i.${c}`).join(", ")}, $now
                 FROM import_scratch.itt_records i JOIN main.teachers t ON t.trn = i.trn AND t.id > $maxId ORDER BY i.line`,
              )
              .run({ now, maxId }),
          );
          // Every teacher added here is new to records, so a qts_date is QTS "for a teacher who had
          // none": the same invitation, under the same dedupe key, as every other path to QTS.
          const invitations =
            options.invite === false
              ? 0
              : changedRows(
                  client
                    .query(
                      `INSERT INTO main.outbox (kind, payload, dedupe_key, next_attempt_at, created_at)
                       SELECT $kind, json_object('award', 'qts', 'reason', $reason, 'trn', t.trn, 'email', t.email,
                         'firstName', t.first_name, 'lastName', t.last_name, 'awardDate', t.qts_date),
                         $kind || ':' || t.trn, $now, $now -- invitationDedupeKey("qts", trn)
                       FROM main.teachers t WHERE t.id > $maxId AND t.qts_date IS NOT NULL AND t.email IS NOT NULL ORDER BY t.id
                       ON CONFLICT (dedupe_key) DO NOTHING`,
                    )
                    .run({ kind: qtsInvitationKind, reason: importReason, now, maxId }),
                );
          return { ok: true, teachers: teachersAdded, ittRecords: ittsAdded, invitations, dryRun: false } as const;
        },
        { behavior: "immediate" },
      );
    } catch (error) {
      if (error instanceof RollBack) return failed();
      throw error;
    } finally {
      client.run("DETACH DATABASE import_scratch");
    }
  } finally {
    if (scratchOpen) scratch.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}
