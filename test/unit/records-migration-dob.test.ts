// Migration 0002 makes teachers.date_of_birth nullable by rebuilding teachers and itt_records.
// drizzle-kit's own rebuild would have cascaded DROP TABLE teachers to every ITT record (its
// PRAGMA foreign_keys=OFF does nothing inside the migrator's transaction): this checks none is lost.
import { expect, test } from "bun:test";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { applyMigrations, openSqlite } from "../../src/db/open-database";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrations } from "../../db/records/migrations";
import { openRecordsDatabase } from "../../src/records/db/database";
import { teachers } from "../../src/records/db/schema";
import { importTeacherCsv } from "../../src/records/import/import-teachers";

test("upgrading a records database keeps every teacher and ITT record, and foreign keys still cascade", () => {
  const sqlite = openSqlite(":memory:");
  const db = drizzle({ client: sqlite });
  const before = migrations.findIndex((m) => m.sql.join("").includes("__new_itt_records"));
  expect(before).toBeGreaterThan(0);
  applyMigrations(db, migrations.slice(0, before));
  sqlite.run("INSERT INTO teachers (trn, first_name, last_name, date_of_birth, created_at, updated_at) VALUES ('1234567', 'Ada', 'Lovelace', '1990-12-10', 1, 1)");
  sqlite.run("INSERT INTO itt_records (teacher_id, provider_ukprn, provider_name, result, updated_at) VALUES (1, '10000001', 'Riverside', 'InTraining', 1)");

  applyMigrations(db, migrations);

  expect(sqlite.query("SELECT trn, date_of_birth FROM teachers").all()).toEqual([{ trn: "1234567", date_of_birth: "1990-12-10" }]);
  expect(sqlite.query("SELECT teacher_id, provider_ukprn FROM itt_records").all()).toEqual([{ teacher_id: 1, provider_ukprn: "10000001" }]);
  expect(sqlite.query("PRAGMA foreign_key_check").all()).toEqual([]);
  sqlite.run("INSERT INTO teachers (trn, first_name, last_name, date_of_birth, created_at, updated_at) VALUES ('7654321', 'No', 'Birthday', NULL, 1, 1)");
  sqlite.run("DELETE FROM teachers WHERE trn = '1234567'");
  expect(sqlite.query("SELECT count(*) AS n FROM itt_records").get()).toEqual({ n: 0 });
  sqlite.close();
});

test("a blank date_of_birth in an import is a teacher without one; a bad one is still a problem", () => {
  const dir = mkdtempSync(join(tmpdir(), "records-dob-"));
  const db = openRecordsDatabase(dir);
  try {
    const header = "trn,first_name,last_name,date_of_birth\n";
    const bad = importTeacherCsv(db, [`${header}7000101,Ada,Lovelace,1990-13-01\n`]);
    expect(bad.ok).toBe(false);
    const good = importTeacherCsv(db, [`${header}7000102,Grace,Hopper,\n`]);
    expect(good.ok).toBe(true);
    expect(db.select({ trn: teachers.trn, dateOfBirth: teachers.dateOfBirth }).from(teachers).all()).toEqual([{ trn: "7000102", dateOfBirth: null }]);
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
