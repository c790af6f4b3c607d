import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/main";
import { openRecordsDatabase } from "../../src/records/db/database";
import { ittRecords, teachers } from "../../src/records/db/schema";
import { demoTeachersCsv, loadDemoTeachers } from "../../src/records/demo/demo-teachers";
import { parseCsv } from "../../src/records/import/csv";
import { importTeachers } from "../../src/records/import/import-teachers";
import { readTeacherCsv } from "../../src/records/import/teacher-csv";

const header =
  "trn,first_name,middle_name,last_name,date_of_birth,email,qts_date,induction_status,itt_provider_ukprn,itt_provider_name,itt_programme_type,itt_subjects,itt_age_range_from,itt_age_range_to,itt_start_date,itt_end_date,itt_result";
const good = "7000001,Ada,,Lovelace,1990-12-10,ada@example.com,,,10000001,Riverside,Provider-led,Mathematics;Computing,11,16,2025-09-01,2026-07-31,InTraining";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "records-import-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("CSV reading", () => {
  test("quoted fields keep commas, quotes and newlines; CRLF and a byte-order mark are fine; blank lines are skipped", () => {
    const { records, error } = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",z\n');
    expect(error).toBeUndefined();
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 4, fields: ["multi\nline", "z"] },
    ]);
  });

  test("an unclosed quote is reported at its line", () => {
    expect(parseCsv('a,b\n1,"open\n').error).toEqual({ line: 2, message: "a quoted field is never closed" });
  });
});

describe("teacher CSV checks", () => {
  test("a good file gives teachers with their ITT records; rows sharing a TRN are one teacher", () => {
    const second = "7000001,Ada,,Lovelace,1990-12-10,ada@example.com,,,10000002,Northshire,,Physics,,,2024-09-01,2025-07-31,Withdrawn";
    const { teachers: rows, problems } = readTeacherCsv(`${header}\n${good}\n${second}\n`);
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ trn: "7000001", firstName: "Ada", middleName: null, email: "ada@example.com" });
    expect(rows[0].itt.map((i) => [i.providerUkprn, i.subjects, i.result])).toEqual([
      ["10000001", ["Mathematics", "Computing"], "InTraining"],
      ["10000002", ["Physics"], "Withdrawn"],
    ]);
  });

  test("every bad row is reported with its line number, and nothing is returned to load", () => {
    const lines = [
      header,
      good,
      "70001,Bob,,Smith,1990-01-01,,,,,,,,,,,,", // line 3: bad trn
      "7000003,,,Smith,1990-02-30,not-an-email,,,,,,,,,,,", // line 4: no first name, bad date, bad email
      "7000004,Cy,,Jones,1991-01-01,,2999-01-01,Sometimes,1234,,,,5,3,2025-09-01,2024-09-01,Passed", // line 5: many
      "7000005,Di,,Evans,1992-01-01", // line 6: too few fields
      "7000001,Ada,,Lovelace,1990-12-11,ada@example.com,,,,,,,,,,,", // line 7: same TRN, different birthdate
      "7000006,Ed,,Ford,2999-01-01,,,,10000001,,,,,,,,", // line 8: future birthdate, ITT without name/result
    ];
    const { teachers: rows, problems } = readTeacherCsv(lines.join("\n"));
    expect(rows).toEqual([]);
    const at = (line: number) => problems.filter((p) => p.line === line).map((p) => p.message);
    expect(at(2)).toEqual([]);
    expect(at(3)).toEqual(["trn must be 7 digits"]);
    expect(at(4)).toEqual([
      "first_name is required",
      "date_of_birth must be a real date in the format YYYY-MM-DD",
      "email must be a valid email address",
    ]);
    expect(at(5)).toEqual(
      expect.arrayContaining([
        "qts_date must not be in the future",
        expect.stringMatching(/^induction_status must be one of/),
        "itt_provider_ukprn must be 8 digits",
        expect.stringMatching(/^itt_result must be one of/),
      ]),
    );
    expect(at(6)).toEqual(["has 5 fields, but the header has 17"]);
    expect(at(7)).toEqual(["trn 7000001 is also on line 2 with different teacher details (dateOfBirth)"]);
    expect(at(8)).toEqual(
      expect.arrayContaining([
        "date_of_birth must be in the past",
        "itt_provider_name is required when a row has ITT details",
        "itt_result is required when a row has ITT details",
      ]),
    );
  });

  test("age range and dates must be in order", () => {
    const row = "7000009,Fay,,Green,1990-01-01,,,,10000001,Riverside,,,16,11,2025-09-01,2024-09-01,InTraining";
    const messages = readTeacherCsv(`${header}\n${row}`).problems.map((p) => p.message);
    expect(messages).toEqual([
      "itt_age_range_to must not be less than itt_age_range_from",
      "itt_end_date must not be before itt_start_date",
    ]);
  });

  test("the header must name known columns, include the required ones, and not repeat any", () => {
    expect(readTeacherCsv("trn,first_name,nickname,trn\n").problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^unknown column\(s\): nickname/),
      "missing required column(s): last_name, date_of_birth",
      "repeated column(s): trn",
    ]);
    expect(readTeacherCsv("").problems[0].message).toMatch(/empty/);
    expect(readTeacherCsv(`${header}\n`).problems[0].message).toMatch(/no rows/);
  });

  test("columns may come in any order and optional ones may be left out", () => {
    const { teachers: rows, problems } = readTeacherCsv("last_name,trn,date_of_birth,first_name\nHopper,7000010,1906-12-09,Grace\n");
    expect(problems).toEqual([]);
    expect(rows[0]).toMatchObject({ trn: "7000010", lastName: "Hopper", email: null, itt: [] });
  });
});

describe("loading", () => {
  test("a TRN already in records is refused, and the whole file loads nothing", () => {
    const db = openRecordsDatabase(dir);
    try {
      const first = readTeacherCsv(`${header}\n${good}`).teachers;
      expect(importTeachers(db, first)).toEqual({ ok: true, teachers: 1, ittRecords: 1 });
      const again = readTeacherCsv(`${header}\n${good.replace("7000001", "7000002")}\n${good}`).teachers;
      const result = importTeachers(db, again);
      expect(result).toEqual({ ok: false, problems: [{ line: 3, message: expect.stringContaining("already in records") }] });
      expect(db.select().from(teachers).all().map((t) => t.trn)).toEqual(["7000001"]);
      expect(db.select().from(ittRecords).all()).toHaveLength(1);
    } finally {
      db.$client.close();
    }
  });

  test("the demo data is valid, includes a teacher without an email and one with QTS, and loads once", () => {
    expect(readTeacherCsv(demoTeachersCsv).problems).toEqual([]);
    const db = openRecordsDatabase(dir);
    try {
      expect(loadDemoTeachers(db)).toBe(6);
      expect(loadDemoTeachers(db)).toBe(0);
      const all = db.select().from(teachers).all();
      expect(all.some((t) => t.email === null)).toBe(true);
      expect(all.some((t) => t.qtsDate !== null)).toBe(true);
      expect(all.every((t) => t.email === null || /@example\.(com|org)$/.test(t.email))).toBe(true);
    } finally {
      db.$client.close();
    }
  });
});

describe("teacher-id records import", () => {
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATA_DIR: dir } });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  test("reports each bad row as FILE:LINE, exits 65 and imports nothing", async () => {
    const file = join(dir, "teachers.csv");
    writeFileSync(file, `${header}\n${good}\n7000002,,,X,1990-01-01,,,,,,,,,,,,\n7000003,Y,,Z,19900101,,,,,,,,,,,,\n`);
    const result = await run(["records", "import", file]);
    expect(result.code).toBe(65);
    expect(result.err).toContain(`${file}:3: first_name is required`);
    expect(result.err).toContain(`${file}:4: date_of_birth must be a real date in the format YYYY-MM-DD`);
    expect(result.err).toContain("2 problems: nothing was imported.");
    const db = openRecordsDatabase(dir);
    try {
      expect(db.select().from(teachers).all()).toHaveLength(0);
    } finally {
      db.$client.close();
    }
  });

  test("--dry-run checks a good file without loading it; then a real run loads it", async () => {
    const file = join(dir, "teachers.csv");
    writeFileSync(file, `${header}\n${good}\n`);
    const dry = await run(["records", "import", file, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("is valid: 1 teachers and 1 ITT records (dry run: nothing was imported)");
    const real = await run(["records", "import", file]);
    expect(real.code).toBe(0);
    expect(real.out).toContain("Imported 1 teachers and 1 ITT records");
    const again = await run(["records", "import", file]);
    expect(again.code).toBe(65);
    expect(again.err).toContain(`${file}:2: a teacher with trn 7000001 is already in records`);
  });

  test("a missing file is reported", async () => {
    const result = await run(["records", "import", join(dir, "nope.csv")]);
    expect(result.code).toBe(66);
    expect(result.err).toContain("Cannot read");
  });
});
