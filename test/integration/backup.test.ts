// `teacher-id backup`: a copy taken while another process writes as fast as it can is
// consistent, the writer never fails, the copy restores, and nothing is ever overwritten.
import { afterAll, describe, expect, test } from "bun:test";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { backupCommand } from "../../src/cli/backup-command";
import type { CommandIO } from "../../src/cli/command";
import { openSqlite } from "../../src/db/open-database";

const root = mkdtempSync(join(tmpdir(), "teacher-id-backup-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function backup(args: string[], dataDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIO = { out: (l) => out.push(l), err: (l) => err.push(l), env: { DATA_DIR: dataDir } };
  const code = await backupCommand.run(args, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

// A writer in its own process, committing one row per transaction (as a request would) until told
// to stop; it reports how many it committed and any error it met.
const writerScript = `
import { Database } from "bun:sqlite";
const db = new Database(process.argv[2]);
db.run("PRAGMA journal_mode = WAL"); db.run("PRAGMA synchronous = NORMAL"); db.run("PRAGMA busy_timeout = 5000");
const insert = db.query("INSERT INTO invitations (payload) VALUES (?)");
let n = 0, stop = false;
process.on("SIGTERM", () => { stop = true; });
console.log("writing");
while (!stop) {
  for (let i = 0; i < 200; i++) { insert.run("x".repeat(200)); n++; }
  await new Promise((r) => setImmediate(r));
}
console.log("committed " + n);
`;

describe("teacher-id backup", () => {
  test("copies a database under write load: the copy is a consistent snapshot, and it restores", async () => {
    const dataDir = join(root, "live");
    const identity = openSqlite(join(dataDir, "identity.sqlite"));
    identity.run("CREATE TABLE invitations (id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL)");
    const seed = identity.query("INSERT INTO invitations (payload) VALUES (?)");
    identity.transaction(() => {
      for (let i = 0; i < 5000; i++) seed.run("seed");
    })();
    identity.close();
    const records = openSqlite(join(dataDir, "records.sqlite"));
    records.run("CREATE TABLE teachers (trn TEXT PRIMARY KEY)");
    records.run("INSERT INTO teachers VALUES ('1234567'), ('7654321')");
    records.close();
    writeFileSync(join(dataDir, "internal-client-secrets.json"), '{"records":{"clientId":"r","clientSecret":"s"}}', {
      mode: 0o600,
    });

    const writerFile = join(root, "writer.ts");
    writeFileSync(writerFile, writerScript);
    const writer = Bun.spawn([process.execPath, writerFile, join(dataDir, "identity.sqlite")], {
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = writer.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("writing");
    const countNow = () => {
      const db = new Database(join(dataDir, "identity.sqlite"), { readonly: true });
      try {
        return (db.query("SELECT count(*) AS n FROM invitations").get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    while (countNow() < 10_000) await Bun.sleep(5);

    const to = join(root, "backup-1");
    const result = await backup(["--to", to], dataDir);
    const afterBackup = countNow();
    while (countNow() < afterBackup + 1000) await Bun.sleep(5); // the writer carried on
    writer.kill("SIGTERM");
    expect(await writer.exited).toBe(0);
    const writerOut = new TextDecoder().decode((await reader.read()).value ?? new Uint8Array());
    expect(await new Response(writer.stderr).text()).toBe("");
    const committed = Number(/committed (\d+)/.exec(writerOut)?.[1]);
    expect(committed).toBeGreaterThan(5000);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`identity: wrote ${join(to, "identity.sqlite")}`);
    expect(result.stdout).toContain(`records: wrote ${join(to, "records.sqlite")}`);
    expect(result.stdout).toContain("integrity ok");
    expect(result.stdout).toContain("access: no database");
    expect(result.stdout).toContain(`internal client secrets: wrote ${join(to, "internal-client-secrets.json")}`);
    expect(statSync(to).mode & 0o777).toBe(0o700);
    expect(statSync(join(to, "internal-client-secrets.json")).mode & 0o777).toBe(0o600);
    expect(readdir(to)).toEqual(["identity.sqlite", "internal-client-secrets.json", "records.sqlite"]);

    // Restore into a fresh data directory as an operator would: the file alone, no -wal beside it.
    const restored = join(root, "restored");
    mkdirSync(restored);
    copyFileSync(join(to, "identity.sqlite"), join(restored, "identity.sqlite"));
    const copy = openSqlite(join(restored, "identity.sqlite"));
    const { n, last } = copy.query("SELECT count(*) AS n, max(id) AS last FROM invitations").get() as {
      n: number;
      last: number;
    };
    // A snapshot of one-row transactions has no gaps: every row up to the last one it holds.
    expect(n).toBe(last);
    expect(n).toBeGreaterThanOrEqual(10_000);
    expect(n).toBeLessThan(5000 + committed);
    expect((copy.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
    copy.run("INSERT INTO invitations (payload) VALUES ('after restore')");
    expect((copy.query("SELECT max(id) AS m FROM invitations").get() as { m: number }).m).toBe(last + 1);
    copy.close();
    const teachers = new Database(join(to, "records.sqlite"), { readonly: true });
    expect(teachers.query("SELECT trn FROM teachers ORDER BY trn").all()).toEqual([
      { trn: "1234567" },
      { trn: "7654321" },
    ]);
    teachers.close();
  });

  test("refuses to overwrite an earlier backup and writes nothing", async () => {
    const dataDir = join(root, "small");
    const db = openSqlite(join(dataDir, "access.sqlite"));
    db.run("CREATE TABLE t (x)");
    db.close();
    const to = join(root, "backup-2");
    expect((await backup(["--to", to], dataDir)).code).toBe(0);
    const before = readFileSync(join(to, "access.sqlite"));
    const db2 = openSqlite(join(dataDir, "access.sqlite"));
    db2.run("INSERT INTO t VALUES (1)");
    db2.close();
    const again = await backup(["--to", to], dataDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Refusing to overwrite ${join(to, "access.sqlite")}`);
    expect(readFileSync(join(to, "access.sqlite")).equals(before)).toBe(true);
    expect(readdir(to)).toEqual(["access.sqlite"]);
  });

  test("says what is wrong when DATA_DIR has no databases, or a named service has none", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    const none = await backup(["--to", join(root, "backup-3")], empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`No databases in ${empty}`);
    expect(existsSync(join(root, "backup-3"))).toBe(false);
    const named = await backup(["--to", join(root, "backup-4"), "--only", "records"], join(root, "small"));
    expect(named.code).toBe(1);
    expect(named.stderr).toContain("No database for records");
    await expect(backup([], empty)).rejects.toThrow("--to DIR is required");
  });
});

const readdir = (dir: string) => readdirSync(dir).sort();
