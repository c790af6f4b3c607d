// `teacher-id records import --kind qualifications FILE.csv`: NPQs and mandatory qualifications
// for teachers already in records. All or nothing, like the teacher import: every row is checked
// and every problem reported with its line; only a file without problems is loaded, in one
// transaction. Rows are kept in memory until then (a qualifications file has a few fields a row).
import { z } from "zod";
import type { RecordsDatabase } from "../db/database";
import { mandatorySpecialisms, npqTypes, qualificationKinds, qualificationStatuses } from "../db/schema";
import { isIsoDate, todayInUk } from "../dates";
import { CsvParser, type CsvRecord } from "./csv";
import type { CsvProblem } from "./teacher-csv";

export const qualificationCsvColumns = ["trn", "qualification", "type", "provider_name", "status", "start_date", "awarded_date"] as const;
const requiredColumns = ["trn", "qualification", "type", "status"] as const;

const blankToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : typeof v === "string" ? v.trim() : v);
const optionalDate = (name: string) =>
  z.preprocess(
    blankToNull,
    z
      .string()
      .refine(isIsoDate, `${name} must be a real date in the format YYYY-MM-DD`)
      .refine((d) => d <= todayInUk(), `${name} must not be in the future`)
      .nullable(),
  );

const rowSchema = z
  .object({
    trn: z.string().trim().regex(/^\d{7}$/, "trn must be 7 digits"),
    qualification: z.enum(qualificationKinds, { error: `qualification must be one of ${qualificationKinds.join(", ")}` }),
    type: z.string().trim(),
    provider_name: z.preprocess(blankToNull, z.string().max(200, "provider_name must be 200 characters or fewer").nullable()),
    status: z.enum(qualificationStatuses, { error: `status must be one of ${qualificationStatuses.join(", ")}` }),
    start_date: optionalDate("start_date"),
    awarded_date: optionalDate("awarded_date"),
  })
  .superRefine((row, ctx) => {
    const types: readonly string[] = row.qualification === "npq" ? npqTypes : mandatorySpecialisms;
    if (!types.includes(row.type)) {
      ctx.addIssue({ code: "custom", path: ["type"], message: `type of a ${row.qualification} must be one of ${types.join(", ")}` });
    }
    if (row.status === "Passed" && !row.awarded_date) ctx.addIssue({ code: "custom", path: ["awarded_date"], message: "awarded_date is required when status is Passed" });
    if (row.status !== "Passed" && row.awarded_date) ctx.addIssue({ code: "custom", path: ["awarded_date"], message: "awarded_date must only be given when status is Passed" });
    if (row.start_date && row.awarded_date && row.awarded_date < row.start_date) {
      ctx.addIssue({ code: "custom", path: ["awarded_date"], message: "awarded_date must not be before start_date" });
    }
  });

export type QualificationImportResult = { ok: true; qualifications: number; dryRun: boolean } | { ok: false; problemCount: number; problems: CsvProblem[] };

export function importQualificationCsv(
  db: RecordsDatabase,
  pieces: Iterable<string>,
  options: { onProblem?: (problem: CsvProblem) => void; dryRun?: boolean; now?: number } = {},
): QualificationImportResult {
  const now = options.now ?? Date.now();
  const problems: CsvProblem[] = [];
  let problemCount = 0;
  const report = (problem: CsvProblem) => {
    problemCount++;
    if (options.onProblem) options.onProblem(problem);
    else problems.push(problem);
  };
  const teacherIds = db.$client.query<{ id: number }, { trn: string }>("SELECT id FROM teachers WHERE trn = $trn LIMIT 2");
  const existing = db.$client.query<{ found: number }, { teacherId: number; kind: string; type: string }>(
    "SELECT 1 AS found FROM qualifications WHERE teacher_id = $teacherId AND kind = $kind AND type = $type",
  );
  const rows: { line: number; teacherId: number; row: z.output<typeof rowSchema> }[] = [];
  const seen = new Map<string, number>();
  let positions: number[] | null | undefined;
  let width = 0;

  const onRecord = (record: CsvRecord) => {
    if (positions === undefined) {
      const columns = record.fields.map((f) => f.trim().toLowerCase());
      const unknown = columns.filter((c) => !(qualificationCsvColumns as readonly string[]).includes(c));
      const missing = requiredColumns.filter((c) => !columns.includes(c));
      if (unknown.length) report({ line: record.line, message: `unknown column(s): ${unknown.join(", ")} (known: ${qualificationCsvColumns.join(", ")})` });
      if (missing.length) report({ line: record.line, message: `missing required column(s): ${missing.join(", ")}` });
      positions = unknown.length || missing.length ? null : qualificationCsvColumns.map((c) => columns.indexOf(c));
      width = columns.length;
      return;
    }
    if (positions === null) return;
    if (record.fields.length !== width) {
      report({ line: record.line, message: `has ${record.fields.length} fields, but the header has ${width}` });
      return;
    }
    const input: Record<string, string> = {};
    qualificationCsvColumns.forEach((c, i) => (input[c] = positions![i] === -1 ? "" : record.fields[positions![i]]));
    const parsed = rowSchema.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) report({ line: record.line, message: issue.message });
      return;
    }
    const row = parsed.data;
    const ids = teacherIds.all({ trn: row.trn });
    if (ids.length !== 1) {
      report({ line: record.line, message: ids.length ? `more than one teacher has trn ${row.trn}` : `no teacher with trn ${row.trn} is in records` });
      return;
    }
    const key = `${row.trn}:${row.qualification}:${row.type}`;
    if (seen.has(key)) {
      report({ line: record.line, message: `trn ${row.trn} already has this ${row.qualification} (${row.type}) on line ${seen.get(key)}` });
      return;
    }
    seen.set(key, record.line);
    if (existing.get({ teacherId: ids[0].id, kind: row.qualification, type: row.type })) {
      report({ line: record.line, message: `trn ${row.trn} already has this ${row.qualification} (${row.type}) in records` });
      return;
    }
    rows.push({ line: record.line, teacherId: ids[0].id, row });
  };
  const parser = new CsvParser();
  for (const piece of pieces) parser.feed(piece, onRecord);
  const error = parser.finish(onRecord);
  if (error) report(error);
  if (positions === undefined && problemCount === 0) report({ line: 1, message: "the file is empty: it needs a header row" });
  else if (positions && rows.length === 0 && problemCount === 0) report({ line: 1, message: "the file has a header but no rows" });
  if (problemCount > 0) return { ok: false, problemCount, problems };
  if (options.dryRun) return { ok: true, qualifications: rows.length, dryRun: true };
  const insert = db.$client.query(
    `INSERT INTO qualifications (teacher_id, kind, type, provider_name, status, start_date, awarded_date, created_at)
     VALUES ($teacherId, $kind, $type, $providerName, $status, $startDate, $awardedDate, $now)`,
  );
  db.transaction(
    () => {
      for (const { teacherId, row } of rows) {
        insert.run({
          teacherId,
          kind: row.qualification,
          type: row.type,
          providerName: row.provider_name,
          status: row.status,
          startDate: row.start_date,
          awardedDate: row.awarded_date,
          now,
        });
      }
    },
    { behavior: "immediate" },
  );
  return { ok: true, qualifications: rows.length, dryRun: false };
}
