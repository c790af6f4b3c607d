// The built artefact, run from a directory of its own with no node_modules beside it.
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { binaryInFreshDir, startServeProcess } from "../helpers/binary";
import { retryOnPortClash } from "../helpers/ports";
import { testEnv } from "../helpers/system";

const { dir, binary } = binaryInFreshDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}, cwd = dir) {
  const result = Bun.spawnSync([binary, ...args], { cwd, env: { PATH: process.env.PATH ?? "", ...env } });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe("dist/teacher-id", () => {
  test("--help lists the commands", () => {
    const { code, stdout } = run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("serve");
    expect(stdout).toContain("migrate");
  });

  test("an unknown command says so and exits 2", () => {
    const { code, stderr } = run(["frobnicate"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown command 'frobnicate'");
  });

  test("a bad setting stops start-up with a message naming it", () => {
    const { code, stderr } = run(["serve"], { RECORDS_PORT: "not-a-port" });
    expect(code).toBe(78);
    expect(stderr).toContain('RECORDS_PORT must be a port number (got "not-a-port")');
  });

  test("migrate, started from another directory, applies every migration once; a rerun applies none and keeps the data", () => {
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    const journalLength = (service: string) =>
      JSON.parse(readFileSync(join(import.meta.dir, "../../db", service, "meta/_journal.json"), "utf8")).entries.length as number;
    const first = run(["migrate"], { DATA_DIR: "./data" }, elsewhere);
    expect(first.code).toBe(0);
    for (const service of ["identity", "records", "access"]) {
      const n = journalLength(service);
      expect(first.stdout).toContain(`${service}: ${n} migrations, ${n} applied now (data/${service}.sqlite)`);
    }
    const records = new Database(join(elsewhere, "data/records.sqlite"));
    records.run("INSERT INTO teachers (trn, first_name, last_name, created_at, updated_at) VALUES ('7654321', 'Kept', 'Safe', 1, 1)");
    records.close();

    const second = run(["migrate"], { DATA_DIR: "./data" }, elsewhere);
    expect(second.code).toBe(0);
    for (const service of ["identity", "records", "access"]) {
      expect(second.stdout).toContain(`${service}: ${journalLength(service)} migrations, 0 applied now`);
    }
    const after = new Database(join(elsewhere, "data/records.sqlite"));
    expect(after.query("SELECT first_name FROM teachers").all()).toEqual([{ first_name: "Kept" }]);
    expect(after.query("SELECT count(*) AS n FROM __drizzle_migrations").get()).toEqual({ n: journalLength("records") });
    after.close();
  });

  test("serve starts all three services, serves GOV.UK assets, and stops cleanly on SIGTERM", async () => {
    const { env, child } = await retryOnPortClash(async (attempt) => {
      const { env } = testEnv({ dataDir: `${dir}/serve-data-${attempt}` });
      return { env, child: await startServeProcess([binary, "serve"], { cwd: dir, env }) };
    });
    try {
      for (const url of [env.IDENTITY_URL, env.RECORDS_URL, env.ACCESS_URL]) expect((await fetch(`${url}/health`)).status).toBe(200);
      const css = await fetch(`${env.ACCESS_URL}/assets/govuk-frontend.min.css`);
      expect(css.status).toBe(200);
      expect((await css.text()).length).toBeGreaterThan(100_000);
      const start = await (await fetch(`${env.ACCESS_URL}/`)).text();
      expect(start).toContain("Access your teaching qualifications");
    } finally {
      await child.stop();
    }
    expect(await child.process.exited).toBe(0);
    const lines = child.stdout().trim().split("\n").map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.event === "service_stopped").map((l) => l.service).sort()).toEqual(["access", "identity", "records"]);
  });
});
