// Checking a teacher CSV (`teacher-id records import FILE.csv`) one record at a time: the header,
// then each row on its own. One row per ITT record; rows sharing a TRN are one teacher, which
// import-teachers.ts checks against the rows it has already loaded.
import { z } from "zod";
import { inductionStatuses, ittResults, qtsRoutes } from "../db/schema";
import { bidiControlMessage, hasBidiControl } from "../../text/names";
import { isIsoDate, todayInUk } from "../dates";
import type { CsvRecord } from "./csv";
import { isNino, normaliseNino } from "../matching/normalise";

export const teacherCsvColumns = [
  "trn",
  "first_name",
  "middle_name",
  "last_name",
  "date_of_birth",
  "email",
  "national_insurance_number",
  "previous_last_names",
  "qts_date",
  "qts_route",
  "induction_status",
  "itt_provider_ukprn",
  "itt_provider_name",
  "itt_programme_type",
  "itt_subjects",
  "itt_age_range_from",
  "itt_age_range_to",
  "itt_start_date",
  "itt_end_date",
  "itt_result",
] as const;
const requiredColumns = ["trn", "first_name", "last_name", "date_of_birth"] as const;

/** A teacher's own columns: rows sharing a TRN must agree on every one of them. */
export interface CsvTeacher {
  trn: string;
  firstName: string;
  middleName: string | null;
  lastName: string;
  /** Null when the row leaves it blank: DQT holds some records without a date of birth. */
  dateOfBirth: string | null;
  email: string | null;
  /** Upper case, no spaces. */
  nationalInsuranceNumber: string | null;
  /** A JSON array of names ("[]" when none), as records keeps it. */
  previousLastNames: string;
  qtsDate: string | null;
  qtsRoute: (typeof qtsRoutes)[number] | null;
  inductionStatus: (typeof inductionStatuses)[number] | null;
}
export const teacherDetailKeys = ["firstName", "middleName", "lastName", "dateOfBirth", "email", "nationalInsuranceNumber", "previousLastNames", "qtsDate", "qtsRoute", "inductionStatus"] as const;

export interface CsvItt {
  providerUkprn: string;
  providerName: string;
  programmeType: string | null;
  subjects: string[];
  ageRangeFrom: number | null;
  ageRangeTo: number | null;
  startDate: string | null;
  endDate: string | null;
  result: (typeof ittResults)[number];
}

/** One checked row: a teacher and, when the row has ITT columns, one ITT record. */
export interface TeacherCsvRow {
  line: number;
  teacher: CsvTeacher;
  itt: CsvItt | null;
}

export interface CsvProblem {
  line: number;
  message: string;
}

const blankToNull = (v: unknown) => (typeof v === "string" && v.trim() === "" ? null : typeof v === "string" ? v.trim() : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToNull, schema.nullable());

/** Names are shown on pages and certificates: none may hold a bidi control (src/text/names.ts). */
const noBidi = (name: string, schema: z.ZodString) => schema.refine((value) => !hasBidiControl(value), `${name} ${bidiControlMessage}`);
const date = (name: string) => z.string().refine(isIsoDate, `${name} must be a real date in the format YYYY-MM-DD`);
const age = (name: string) =>
  z.string().regex(/^\d{1,2}$/, `${name} must be a whole number of years from 0 to 19`).transform(Number).refine((n) => n <= 19, `${name} must be a whole number of years from 0 to 19`);

const rowSchema = z
  .object({
    trn: z.string().trim().regex(/^\d{7}$/, "trn must be 7 digits"),
    first_name: noBidi("first_name", z.string().trim().min(1, "first_name is required").max(100, "first_name must be 100 characters or fewer")),
    middle_name: optional(noBidi("middle_name", z.string().max(100, "middle_name must be 100 characters or fewer"))),
    last_name: noBidi("last_name", z.string().trim().min(1, "last_name is required").max(100, "last_name must be 100 characters or fewer")),
    date_of_birth: optional(
      z
        .string()
        .refine(isIsoDate, "date_of_birth must be a real date in the format YYYY-MM-DD")
        .refine((d) => d < todayInUk(), "date_of_birth must be in the past"),
    ),
    email: optional(z.email("email must be a valid email address").max(254).transform((e) => e.toLowerCase())),
    national_insurance_number: optional(
      z
        .string()
        .max(20, "national_insurance_number must be a National Insurance number, like QQ 12 34 56 C")
        .transform(normaliseNino)
        .refine(isNino, "national_insurance_number must be a National Insurance number: 2 letters, 6 numbers, then A, B, C or D"),
    ),
    previous_last_names: optional(
      noBidi("previous_last_names", z.string().max(500, "previous_last_names must be 500 characters or fewer"))
        .transform((v) => v.split(";").map((n) => n.trim()).filter(Boolean))
        .refine((names) => names.length <= 5, "previous_last_names must have 5 names or fewer (separated by ;)")
        .refine((names) => names.every((n) => n.length <= 100), "each of previous_last_names must be 100 characters or fewer"),
    ),
    qts_date: optional(date("qts_date").refine((d) => d <= todayInUk(), "qts_date must not be in the future")),
    qts_route: optional(z.enum(qtsRoutes, { error: `qts_route must be one of ${qtsRoutes.join(", ")}` })),
    induction_status: optional(z.enum(inductionStatuses, { error: `induction_status must be one of ${inductionStatuses.join(", ")}` })),
    itt_provider_ukprn: optional(z.string().regex(/^\d{8}$/, "itt_provider_ukprn must be 8 digits")),
    itt_provider_name: optional(noBidi("itt_provider_name", z.string().max(200, "itt_provider_name must be 200 characters or fewer"))),
    itt_programme_type: optional(z.string().max(100)),
    itt_subjects: optional(z.string()),
    itt_age_range_from: optional(age("itt_age_range_from")),
    itt_age_range_to: optional(age("itt_age_range_to")),
    itt_start_date: optional(date("itt_start_date")),
    itt_end_date: optional(date("itt_end_date")),
    itt_result: optional(z.enum(ittResults, { error: `itt_result must be one of ${ittResults.join(", ")}` })),
  })
  .superRefine((row, ctx) => {
    const anyItt = [row.itt_provider_ukprn, row.itt_provider_name, row.itt_programme_type, row.itt_subjects, row.itt_age_range_from, row.itt_age_range_to, row.itt_start_date, row.itt_end_date, row.itt_result].some((v) => v !== null);
    if (anyItt) {
      for (const key of ["itt_provider_ukprn", "itt_provider_name", "itt_result"] as const) {
        if (row[key] === null) ctx.addIssue({ code: "custom", path: [key], message: `${key} is required when a row has ITT details` });
      }
    }
    if (row.qts_route !== null && row.qts_date === null) {
      ctx.addIssue({ code: "custom", path: ["qts_route"], message: "qts_route needs a qts_date" });
    }
    if (row.itt_age_range_from !== null && row.itt_age_range_to !== null && row.itt_age_range_from > row.itt_age_range_to) {
      ctx.addIssue({ code: "custom", path: ["itt_age_range_to"], message: "itt_age_range_to must not be less than itt_age_range_from" });
    }
    if (row.itt_start_date && row.itt_end_date && row.itt_end_date < row.itt_start_date) {
      ctx.addIssue({ code: "custom", path: ["itt_end_date"], message: "itt_end_date must not be before itt_start_date" });
    }
  });

/** Where each known column is in the file's rows (-1: not in the file). */
export type TeacherCsvHeader = { line: number; width: number; positions: number[] };

export function checkHeader(header: CsvRecord): { ok: true; header: TeacherCsvHeader } | { ok: false; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = columns.filter((c) => !(teacherCsvColumns as readonly string[]).includes(c));
  const missing = requiredColumns.filter((c) => !columns.includes(c));
  const duplicated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (unknown.length) problems.push({ line: header.line, message: `unknown column(s): ${unknown.join(", ")} (known: ${teacherCsvColumns.join(", ")})` });
  if (missing.length) problems.push({ line: header.line, message: `missing required column(s): ${missing.join(", ")}` });
  if (duplicated.length) problems.push({ line: header.line, message: `repeated column(s): ${[...new Set(duplicated)].join(", ")}` });
  if (problems.length) return { ok: false, problems };
  return { ok: true, header: { line: header.line, width: columns.length, positions: teacherCsvColumns.map((c) => columns.indexOf(c)) } };
}

/** Checks one row on its own; every problem is reported with the row's line. */
export function checkRow(header: TeacherCsvHeader, row: CsvRecord): { ok: true; row: TeacherCsvRow } | { ok: false; problems: CsvProblem[] } {
  if (row.fields.length !== header.width) {
    return { ok: false, problems: [{ line: row.line, message: `has ${row.fields.length} fields, but the header has ${header.width}` }] };
  }
  const input: Record<string, string> = {};
  teacherCsvColumns.forEach((c, i) => (input[c] = header.positions[i] === -1 ? "" : row.fields[header.positions[i]]));
  const result = rowSchema.safeParse(input);
  if (!result.success) return { ok: false, problems: result.error.issues.map((issue) => ({ line: row.line, message: issue.message })) };
  const r = result.data;
  return {
    ok: true,
    row: {
      line: row.line,
      teacher: {
        trn: r.trn,
        firstName: r.first_name,
        middleName: r.middle_name,
        lastName: r.last_name,
        dateOfBirth: r.date_of_birth,
        email: r.email,
        nationalInsuranceNumber: r.national_insurance_number,
        previousLastNames: JSON.stringify(r.previous_last_names ?? []),
        qtsDate: r.qts_date,
        qtsRoute: r.qts_route,
        inductionStatus: r.induction_status,
      },
      itt:
        r.itt_provider_ukprn && r.itt_provider_name && r.itt_result
          ? {
              providerUkprn: r.itt_provider_ukprn,
              providerName: r.itt_provider_name,
              programmeType: r.itt_programme_type,
              subjects: (r.itt_subjects ?? "").split(";").map((s) => s.trim()).filter(Boolean),
              ageRangeFrom: r.itt_age_range_from,
              ageRangeTo: r.itt_age_range_to,
              startDate: r.itt_start_date,
              endDate: r.itt_end_date,
              result: r.itt_result,
            }
          : null,
    },
  };
}
