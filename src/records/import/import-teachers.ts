// Loads a teacher CSV into records: all or nothing, in one synchronous transaction, reading the
// file a piece at a time. Each row is checked and inserted as it is read, so memory does not grow
// with the file (200,000 rows once took ~1.9 GB when the whole file was held). Rows sharing a TRN
// are matched against the teacher this import already inserted, looked up in the database itself.
// Any problem, or a dry run, rolls the whole transaction back.
import { eq, sql } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { ittRecords, teachers } from "../db/schema";
import { CsvParser, type CsvRecord } from "./csv";
import { checkHeader, checkRow, teacherDetailKeys, type CsvProblem, type TeacherCsvHeader, type TeacherCsvRow } from "./teacher-csv";

export interface ImportOptions {
  /** Called for each problem as it is found, in line order; without it they are collected in the result. */
  onProblem?: (problem: CsvProblem) => void;
  /** Check everything, including TRNs already in records, then roll back. */
  dryRun?: boolean;
  /** A teacher whose TRN is already in records: a problem (operators' import) or left alone (demo seed). */
  existingTeachers?: "problem" | "skip";
  now?: number;
}

export type ImportResult =
  | { ok: true; teachers: number; ittRecords: number; dryRun: boolean }
  | { ok: false; problemCount: number; problems: CsvProblem[] };

/** Thrown inside the transaction to roll it back; never escapes importTeacherCsv. */
class RollBack extends Error {}

const p = <T extends string>(name: T) => sql`${sql.placeholder(name)}`;

/** Imports CSV text given in pieces (e.g. readTextPieces(file), or [text]). */
export function importTeacherCsv(db: RecordsDatabase, pieces: Iterable<string>, options: ImportOptions = {}): ImportResult {
  const now = options.now ?? Date.now();
  const skipExisting = options.existingTeachers === "skip";
  const firstWithTrn = db
    .select({
      id: teachers.id,
      firstName: teachers.firstName,
      middleName: teachers.middleName,
      lastName: teachers.lastName,
      dateOfBirth: teachers.dateOfBirth,
      email: teachers.email,
      qtsDate: teachers.qtsDate,
      inductionStatus: teachers.inductionStatus,
    })
    .from(teachers)
    .where(eq(teachers.trn, sql.placeholder("trn")))
    .orderBy(teachers.id)
    .limit(1)
    .prepare();
  const insertTeacher = db
    .insert(teachers)
    .values({
      trn: p("trn"),
      firstName: p("firstName"),
      middleName: p("middleName"),
      lastName: p("lastName"),
      dateOfBirth: p("dateOfBirth"),
      email: p("email"),
      qtsDate: p("qtsDate"),
      inductionStatus: p("inductionStatus"),
      createdAt: p("now"),
      updatedAt: p("now"),
    })
    .returning({ id: teachers.id })
    .prepare();
  const insertItt = db
    .insert(ittRecords)
    .values({
      teacherId: p("teacherId"),
      providerUkprn: p("providerUkprn"),
      providerName: p("providerName"),
      programmeType: p("programmeType"),
      subjects: p("subjects"),
      ageRangeFrom: p("ageRangeFrom"),
      ageRangeTo: p("ageRangeTo"),
      startDate: p("startDate"),
      endDate: p("endDate"),
      result: p("result"),
      updatedAt: p("now"),
    })
    .prepare();

  const problems: CsvProblem[] = [];
  let problemCount = 0;
  const report = (problem: CsvProblem) => {
    problemCount++;
    if (options.onProblem) options.onProblem(problem);
    else problems.push(problem);
  };

  let teacherCount = 0;
  let ittCount = 0;
  // Teachers this import inserted have ids from firstId up (ids only grow, and the transaction
  // is IMMEDIATE, so nobody else inserts meanwhile). lineOf[id - firstId] is the row that made
  // each one: 4 bytes a teacher, for the message about a later row that disagrees with it.
  let firstId: number | undefined;
  let lineOf = new Int32Array(1024);
  const rememberLine = (id: number, line: number) => {
    const index = id - firstId!;
    if (index >= lineOf.length) {
      const grown = new Int32Array(Math.max(lineOf.length * 2, index + 1));
      grown.set(lineOf);
      lineOf = grown;
    }
    lineOf[index] = line;
  };

  function load(row: TeacherCsvRow) {
    const t = row.teacher;
    const found = firstWithTrn.get({ trn: t.trn });
    let teacherId: number;
    if (found && firstId !== undefined && found.id >= firstId) {
      const differs = teacherDetailKeys.filter((k) => found[k] !== t[k]);
      if (differs.length) {
        report({
          line: row.line,
          message: `trn ${t.trn} is also on line ${lineOf[found.id - firstId]} with different teacher details (${differs.join(", ")})`,
        });
        return;
      }
      teacherId = found.id;
    } else if (found) {
      if (!skipExisting) report({ line: row.line, message: `a teacher with trn ${t.trn} is already in records (import adds new teachers only)` });
      return;
    } else {
      teacherId = insertTeacher.get({ ...t, now })!.id;
      firstId ??= teacherId;
      rememberLine(teacherId, row.line);
      teacherCount++;
    }
    if (row.itt) {
      insertItt.run({ ...row.itt, subjects: JSON.stringify(row.itt.subjects), teacherId, now });
      ittCount++;
    }
  }

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
    if (checked.ok) load(checked.row);
    else checked.problems.forEach(report);
  };

  try {
    return db.transaction(
      () => {
        const parser = new CsvParser();
        for (const piece of pieces) {
          parser.feed(piece, onRecord);
          if (header === null) break;
        }
        if (header !== null) {
          const error = parser.finish(onRecord);
          if (error) report(error);
        }
        if (header === undefined && problemCount === 0) report({ line: 1, message: "the file is empty: it needs a header row" });
        else if (header && rows === 0 && problemCount === 0) report({ line: header.line, message: "the file has a header but no rows" });
        if (problemCount > 0 || options.dryRun) throw new RollBack();
        return { ok: true, teachers: teacherCount, ittRecords: ittCount, dryRun: false } as const;
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    if (problemCount > 0) return { ok: false, problemCount, problems };
    return { ok: true, teachers: teacherCount, ittRecords: ittCount, dryRun: true };
  }
}
