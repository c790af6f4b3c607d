import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/main";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";
import { ittRecords, teachers } from "../../src/records/db/schema";
import { demoTeachersCsv, loadDemoTeachers } from "../../src/records/demo/demo-teachers";
import { CsvParser, parseCsv, type CsvRecord } from "../../src/records/import/csv";
import { importTeacherCsv, type ImportResult } from "../../src/records/import/import-teachers";
import { readTextPieces } from "../../src/records/import/read-text-pieces";

const header =
  "trn,first_name,middle_name,last_name,date_of_birth,email,qts_date,induction_status,itt_provider_ukprn,itt_provider_name,itt_programme_type,itt_subjects,itt_age_range_from,itt_age_range_to,itt_start_date,itt_end_date,itt_result";
const good = "7000001,Ada,,Lovelace,1990-12-10,ada@example.com,,,10000001,Riverside,Provider-led,Mathematics;Computing,11,16,2025-09-01,2026-07-31,InTraining";

let dir: string;
let db: RecordsDatabase;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "records-import-"));
  db = openRecordsDatabase(dir);
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Imports `text`; returns the result with the problems (or []) and what the database then holds. */
function load(text: string, options: Parameters<typeof importTeacherCsv>[2] = {}) {
  const result: ImportResult = importTeacherCsv(db, [text], options);
  return { result, problems: result.ok ? [] : result.problems, held: db.select().from(teachers).all() };
}
const problemsOf = (text: string) => load(text).problems;

describe("CSV reading", () => {
  const tricky = '\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",z\r\nlast,"end"\r\n';
  const expected = [
    { line: 1, fields: ["a", "b"] },
    { line: 2, fields: ["x, y", 'say "hi"'] },
    { line: 4, fields: ["multi\nline", "z"] },
    { line: 6, fields: ["last", "end"] },
  ];

  test("quoted fields keep commas, quotes and newlines; CRLF and a byte-order mark are fine; blank lines are skipped", () => {
    const { records, error } = parseCsv(tricky);
    expect(error).toBeUndefined();
    expect(records).toEqual(expected);
  });

  test("a file read in pieces gives the same records wherever the pieces split (a CRLF, a \"\" escape)", () => {
    for (const size of [1, 2, 3, 5, 7]) {
      const parser = new CsvParser();
      const records: CsvRecord[] = [];
      for (let i = 0; i < tricky.length; i += size) parser.feed(tricky.slice(i, i + size), (r) => records.push(r));
      expect(parser.finish((r) => records.push(r))).toBeUndefined();
      expect(records).toEqual(expected);
    }
  });

  test("an unclosed quote is reported at its line", () => {
    expect(parseCsv('a,b\n1,"open\n').error).toEqual({ line: 2, message: "a quoted field is never closed" });
  });

  test("a file is read in pieces, and a character split between pieces comes out whole", () => {
    const file = join(dir, "names.csv");
    writeFileSync(file, "name\nZoë Ångström\n");
    const pieces = [...readTextPieces(file, 3)];
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join("")).toBe("name\nZoë Ångström\n");
  });
});

describe("teacher CSV checks", () => {
  test("a good file loads teachers with their ITT records; rows sharing a TRN are one teacher", () => {
    const second = "7000001,Ada,,Lovelace,1990-12-10,ada@example.com,,,10000002,Northshire,,Physics,,,2024-09-01,2025-07-31,Withdrawn";
    const { result, held } = load(`${header}\n${good}\n${second}\n`);
    expect(result).toEqual({ ok: true, teachers: 1, ittRecords: 2, invitations: 0, dryRun: false });
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ trn: "7000001", firstName: "Ada", middleName: null, email: "ada@example.com" });
    const itts = db.select().from(ittRecords).all();
    expect(itts.map((i) => [i.teacherId, i.providerUkprn, JSON.parse(i.subjects), i.result])).toEqual([
      [held[0].id, "10000001", ["Mathematics", "Computing"], "InTraining"],
      [held[0].id, "10000002", ["Physics"], "Withdrawn"],
    ]);
  });

  test("every bad row is reported with its line number, and nothing is loaded", () => {
    const lines = [
      header,
      good,
      "70001,Bob,,Smith,1990-01-01,,,,,,,,,,,,", // line 3: bad trn
      "7000003,,,Smith,1990-02-30,not-an-email,,,,,,,,,,,", // line 4: no first name, bad date, bad email
      "7000004,Cy,,Jones,1991-01-01,,2999-01-01,Sometimes,1234,,,,5,3,2025-09-01,2024-09-01,Passed", // line 5: many
      "7000005,Di,,Evans,1992-01-01", // line 6: too few fields
      "7000001,Ada,,Lovelace,1990-12-11,ada@example.com,,,,,,,,,,,", // line 7: same TRN, different birthdate
      "7000006,Ed,,Ford,2999-01-01,,,,10000001,,,,,,,,", // line 8: future birthdate, ITT without name/result
      "7000007,Flo,,Hart,1993-03-03,,,,,,,,,,,,", // line 9: good, but the file has problems
    ];
    const { problems, held } = load(lines.join("\n"));
    expect(held).toEqual([]);
    expect(db.select().from(ittRecords).all()).toEqual([]);
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
    expect(at(9)).toEqual([]);
    // Problems come in line order (the CLI prints them as they are found).
    expect(problems.map((p) => p.line)).toEqual([...problems.map((p) => p.line)].sort((a, b) => a - b));
  });

  test("a National Insurance number (stored upper case, no spaces) and previous last names (separated by ;) load with the teacher", () => {
    const head = "trn,first_name,last_name,date_of_birth,national_insurance_number,previous_last_names";
    const { result, held } = load(`${head}\n7000011,Ann,Lee,1980-01-01,ab 12 34 56 c,Brown; Ó Súilleabháin\n7000012,Bo,Ng,1981-01-01,,\n`);
    expect(result.ok).toBe(true);
    expect(held.map((t) => [t.nationalInsuranceNumber, JSON.parse(t.previousLastNames)])).toEqual([
      ["AB123456C", ["Brown", "Ó Súilleabháin"]],
      [null, []],
    ]);
    const bad = problemsOf(`${head}\n7000013,Cy,Li,1982-01-01,QQ123456,a;b;c;d;e;f\n`).map((p) => p.message);
    expect(bad).toEqual([
      "national_insurance_number must be a National Insurance number: 2 letters, 6 numbers, then A, B, C or D",
      "previous_last_names must have 5 names or fewer (separated by ;)",
    ]);
  });

  test("age range and dates must be in order", () => {
    const row = "7000009,Fay,,Green,1990-01-01,,,,10000001,Riverside,,,16,11,2025-09-01,2024-09-01,InTraining";
    expect(problemsOf(`${header}\n${row}`).map((p) => p.message)).toEqual([
      "itt_age_range_to must not be less than itt_age_range_from",
      "itt_end_date must not be before itt_start_date",
    ]);
  });

  test("the header must name known columns, include the required ones, and not repeat any", () => {
    expect(problemsOf("trn,first_name,nickname,trn\n1,2,3,4\n").map((p) => p.message)).toEqual([
      expect.stringMatching(/^unknown column\(s\): nickname/),
      "missing required column(s): last_name, date_of_birth",
      "repeated column(s): trn",
    ]);
    expect(problemsOf("")[0].message).toMatch(/empty/);
    expect(problemsOf(`${header}\n`)[0].message).toMatch(/no rows/);
  });

  test("columns may come in any order and optional ones may be left out", () => {
    const { result, held } = load("last_name,trn,date_of_birth,first_name\nHopper,7000010,1906-12-09,Grace\n");
    expect(result).toMatchObject({ ok: true, teachers: 1, ittRecords: 0 });
    expect(held[0]).toMatchObject({ trn: "7000010", lastName: "Hopper", email: null });
  });
});

describe("loading", () => {
  test("a TRN already in records is refused, and the whole file loads nothing", () => {
    expect(load(`${header}\n${good}`).result).toEqual({ ok: true, teachers: 1, ittRecords: 1, invitations: 0, dryRun: false });
    const { result, held } = load(`${header}\n${good.replace("7000001", "7000002")}\n${good}`);
    expect(result).toEqual({ ok: false, problemCount: 1, problems: [{ line: 3, message: expect.stringContaining("already in records") }] });
    expect(held.map((t) => t.trn)).toEqual(["7000001"]);
    expect(db.select().from(ittRecords).all()).toHaveLength(1);
  });

  test("a dry run checks everything, TRNs already in records included, and loads nothing", () => {
    load(`${header}\n${good}`);
    const fresh = good.replace("7000001", "7000002");
    expect(load(`${header}\n${fresh}`, { dryRun: true })).toMatchObject({ result: { ok: true, teachers: 1, dryRun: true }, held: [{ trn: "7000001" }] });
    expect(load(`${header}\n${fresh}\n${good}`, { dryRun: true }).problems).toEqual([{ line: 3, message: expect.stringContaining("already in records") }]);
    expect(db.select().from(teachers).all()).toHaveLength(1);
  });

  test("records' database is not locked while the file is read and checked: serve's writes go on", () => {
    const serve = new Database(join(dir, "records.sqlite")); // no busy timeout: a held lock fails at once
    function* pieces() {
      yield `${header}\n${good}\n`;
      serve.run("INSERT INTO settings (key, value) VALUES ('written-mid-import', 'yes')");
      yield `${good.replace("7000001", "7000002")}\n`;
    }
    try {
      expect(importTeacherCsv(db, pieces())).toMatchObject({ ok: true, teachers: 2 });
      expect(serve.query("SELECT value FROM settings WHERE key = 'written-mid-import'").get()).toEqual({ value: "yes" });
    } finally {
      serve.close();
    }
  });

  test("a TRN added to records by someone else while the file was being read is still refused, and nothing loads", () => {
    const other = openRecordsDatabase(dir);
    function* pieces() {
      yield `${header}\n${good.replace("7000001", "7000002")}\n${good}\n`;
      other.insert(teachers).values({ trn: "7000001", firstName: "Ada", lastName: "Lovelace", createdAt: 1, updatedAt: 1 }).run();
    }
    try {
      const result = importTeacherCsv(db, pieces());
      expect(result).toEqual({ ok: false, problemCount: 1, problems: [{ line: 3, message: expect.stringContaining("trn 7000001 is already in records") }] });
      expect(db.select().from(teachers).all().map((t) => t.trn)).toEqual(["7000001"]);
      expect(db.select().from(ittRecords).all()).toEqual([]);
    } finally {
      other.$client.close();
    }
  });

  test("problems can be taken one by one as they are found, instead of collected", () => {
    const seen: number[] = [];
    const result = importTeacherCsv(db, [`${header}\n70001,A,,B,1990-01-01,,,,,,,,,,,,\n${good}\n7000002,,,B,1990-01-01,,,,,,,,,,,,\n`], {
      onProblem: (p) => seen.push(p.line),
    });
    expect(result).toEqual({ ok: false, problemCount: 2, problems: [] });
    expect(seen).toEqual([2, 4]);
  });

  test("the demo data is valid, includes a teacher without an email and one with QTS, and loads once", () => {
    expect(problemsOf(demoTeachersCsv)).toEqual([]);
    db.delete(teachers).run();
    expect(loadDemoTeachers(db)).toBe(6);
    expect(loadDemoTeachers(db)).toBe(0);
    const all = db.select().from(teachers).all();
    expect(all).toHaveLength(6);
    expect(all.some((t) => t.email === null)).toBe(true);
    expect(all.some((t) => t.qtsDate !== null)).toBe(true);
    expect(all.every((t) => t.email === null || /@example\.(com|org)$/.test(t.email))).toBe(true);
  });
});

describe("teacher-id records import", () => {
  let data: string;
  beforeEach(() => {
    data = join(dir, "data");
  });
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATA_DIR: data } });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const teachersIn = (dataDir: string) => {
    const records = openRecordsDatabase(dataDir);
    try {
      return records.select().from(teachers).all();
    } finally {
      records.$client.close();
    }
  };

  test("reports each bad row as FILE:LINE, exits 65 and imports nothing", async () => {
    const file = join(dir, "teachers.csv");
    writeFileSync(file, `${header}\n${good}\n7000002,,,X,1990-01-01,,,,,,,,,,,,\n7000003,Y,,Z,19900101,,,,,,,,,,,,\n`);
    const result = await run(["records", "import", file]);
    expect(result.code).toBe(65);
    expect(result.err).toContain(`${file}:3: first_name is required`);
    expect(result.err).toContain(`${file}:4: date_of_birth must be a real date in the format YYYY-MM-DD`);
    expect(result.err).toContain("2 problems: nothing was imported.");
    expect(teachersIn(data)).toHaveLength(0);
  });

  test("--dry-run checks a good file without loading it (creating nothing in a new DATA_DIR); then a real run loads it", async () => {
    const file = join(dir, "teachers.csv");
    writeFileSync(file, `${header}\n${good}\n`);
    const dry = await run(["records", "import", file, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("is valid: 1 teachers and 1 ITT records (dry run: nothing was imported)");
    expect(readdirSync(dir)).not.toContain("data");
    const real = await run(["records", "import", file]);
    expect(real.code).toBe(0);
    expect(real.out).toContain("Imported 1 teachers and 1 ITT records");
    const again = await run(["records", "import", file, "--dry-run"]);
    expect(again.code).toBe(65);
    expect(again.err).toContain(`${file}:2: a teacher with trn 7000001 is already in records`);
    expect(teachersIn(data)).toHaveLength(1);
  });

  test("a missing file, or a directory, is reported", async () => {
    for (const path of [join(dir, "nope.csv"), dir]) {
      const result = await run(["records", "import", path]);
      expect(result.code).toBe(66);
      expect(result.err).toContain(`Cannot read ${path}`);
    }
  });

  // 200,000 rows once took ~1.9 GB, because the whole file, every parsed row and every teacher
  // were held at once (40,000 rows took ~770 MB). Now each row is staged as it is read.
  test("memory stays bounded: 40,000 rows load in a process that never grows past 250 MB", () => {
    const file = join(dir, "many.csv");
    const rows = Array.from(
      { length: 40_000 },
      (_, i) => `${8000000 + i},First${i},,Last${i},1990-01-01,t${i}@example.com,,,10000001,Riverside,Provider-led,Mathematics,11,16,2025-09-01,2026-07-31,InTraining`,
    );
    writeFileSync(file, `${header}\n${rows.join("\n")}\n`);
    rows.length = 0;
    const peakFile = join(dir, "peak-memory");
    const child = Bun.spawnSync(
      [process.execPath, "--preload", "./test/fixtures/report-peak-memory.ts", "src/main.ts", "records", "import", file],
      {
        cwd: join(import.meta.dir, "../.."),
        env: { PATH: process.env.PATH ?? "", DATA_DIR: data, PEAK_MEMORY_FILE: peakFile },
      },
    );
    expect(child.stderr.toString()).toBe("");
    expect(child.stdout.toString()).toContain("Imported 40000 teachers and 40000 ITT records");
    // The child's own peak (the runner's rusage would include every child it ever had).
    expect(Number(readFileSync(peakFile, "utf8"))).toBeLessThan(250 * 1024 * 1024);
    expect(teachersIn(data)).toHaveLength(40_000);
  });
});
