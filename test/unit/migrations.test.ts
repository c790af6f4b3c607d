import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderMigrationsModule } from "../../scripts/embed-migrations";
import { appliedMigrationCount } from "../../src/db/open-database";
import { openAccessDatabase } from "../../src/access/db/database";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { openRecordsDatabase } from "../../src/records/db/database";

const services = {
  identity: openIdentityDatabase,
  records: openRecordsDatabase,
  access: openAccessDatabase,
} as const;

describe.each(Object.entries(services))("%s migrations", (service, open) => {
  test("the embedded list matches db/<service>/meta/_journal.json", () => {
    const folder = join(import.meta.dir, "../../db", service);
    const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8"));
    expect(readFileSync(join(folder, "migrations.ts"), "utf8")).toBe(renderMigrationsModule(folder));
    const dir = mkdtempSync(join(tmpdir(), "mig-"));
    try {
      const db = open(dir);
      expect(appliedMigrationCount(db.$client)).toBe(journal.entries.length);
      db.$client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("run once on a new database, then a rerun changes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "mig-"));
    try {
      const first = open(dir);
      const schema = () => first.$client.query("SELECT name, sql FROM sqlite_master ORDER BY name").all();
      const before = schema();
      const count = appliedMigrationCount(first.$client);
      first.$client.close();
      const second = open(dir);
      expect(appliedMigrationCount(second.$client)).toBe(count);
      expect(second.$client.query("SELECT name, sql FROM sqlite_master ORDER BY name").all()).toEqual(before);
      // The pragmas from STACK-NOTES are set on every connection.
      expect(second.$client.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
      expect(second.$client.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
      expect(second.$client.query("PRAGMA busy_timeout").get()).toEqual({ timeout: 5000 });
      second.$client.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("a failed synchronous transaction rolls back every write (drizzle's async one would not)", () => {
  const dir = mkdtempSync(join(tmpdir(), "mig-"));
  try {
    const db = openRecordsDatabase(dir);
    expect(() =>
      db.transaction((tx) => {
        tx.run(`INSERT INTO settings (key, value) VALUES ('a', '1')`);
        tx.run(`INSERT INTO settings (key, value) VALUES ('b', '2')`);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(db.$client.query("SELECT count(*) AS n FROM settings").get()).toEqual({ n: 0 });
    db.$client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
