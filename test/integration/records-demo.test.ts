// The demo teachers: `serve` seeds them into a new development data directory; `serve --demo`
// into any development one; production refuses them.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/main";
import { openRecordsDatabase } from "../../src/records/db/database";
import { teachers } from "../../src/records/db/schema";
import { demoTeacher } from "../../src/records/demo/demo-teachers";
import { startServeProcess } from "../helpers/binary";
import { retryOnPortClash } from "../helpers/ports";
import { startTestSystem, testEnv } from "../helpers/system";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const newDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "records-demo-"));
  dirs.push(dir);
  return dir;
};

function teacherRows(dataDir: string) {
  const db = openRecordsDatabase(dataDir);
  try {
    return db.select().from(teachers).all();
  } finally {
    db.$client.close();
  }
}

async function cli(args: string[], env: Record<string, string>) {
  const err: string[] = [];
  const code = await runCli(args, { out: () => {}, err: (l) => err.push(l), env });
  return { code, err: err.join("\n") };
}

describe("demo teachers", () => {
  test("serve on a new development data directory seeds them: several in training, one without an email, one with QTS", async () => {
    const system = await startTestSystem();
    try {
      const rows = teacherRows(system.dataDir);
      expect(rows.map((t) => t.trn)).toContain(demoTeacher.trn);
      expect(rows.length).toBeGreaterThanOrEqual(5);
      expect(rows.some((t) => t.email === null)).toBe(true);
      expect(rows.some((t) => t.qtsDate !== null)).toBe(true);
      expect(rows.filter((t) => t.qtsDate === null).length).toBeGreaterThanOrEqual(3);
    } finally {
      await system.stop();
    }
  });

  test("serve on an existing data directory does not; serve --demo does, and announces the demo teacher", async () => {
    const dataDir = newDir();
    expect((await cli(["migrate"], { DATA_DIR: dataDir })).code).toBe(0);
    const plain = await startTestSystem({ dataDir, only: ["records"] });
    await plain.stop();
    expect(teacherRows(dataDir)).toEqual([]);

    // records alone: trying again in the same directory after a port clash changes nothing.
    const child = await retryOnPortClash(() =>
      startServeProcess([process.execPath, "src/main.ts", "serve", "--demo", "--only", "records"], {
        cwd: join(import.meta.dir, "../.."),
        env: { ...testEnv({ dataDir }).env, LOG_LEVEL: "warn" },
      }),
    );
    expect(await child.stop()).toBe(0);
    const banner = child.stderr();
    expect(banner).toContain(`Demo teacher in training: TRN ${demoTeacher.trn}, born ${demoTeacher.birthdate}`);
    expect(teacherRows(dataDir).map((t) => t.trn)).toContain(demoTeacher.trn);
  });

  test("serve --demo is refused in production, and without records", async () => {
    const production = {
      ENVIRONMENT: "production",
      DATA_DIR: newDir(),
      IDENTITY_URL: "https://id.example",
      RECORDS_URL: "https://records.example",
      ACCESS_URL: "https://access.example",
      SMTP_URL: "smtp://127.0.0.1:1",
      SIGNING_KEY_PASSPHRASE: "a production passphrase for this test",
      SUPPORT_EMAIL: "support@example.com",
      SUPPORT_RESPONSE_TIME: "5 working days",
    };
    const refused = await cli(["serve", "--demo"], production);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("refused when ENVIRONMENT=production");
    const withoutRecords = await cli(["serve", "--demo", "--only", "identity"], { DATA_DIR: newDir() });
    expect(withoutRecords.code).toBe(2);
    expect(withoutRecords.err).toContain("start records too");
    expect(teacherRows(production.DATA_DIR)).toEqual([]);
  });
});
