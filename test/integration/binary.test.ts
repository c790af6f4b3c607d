// The built artefact, run from a directory of its own with no node_modules beside it.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { binaryInFreshDir, waitForHealthy } from "../helpers/binary";
import { testEnv } from "../helpers/system";

const { dir, binary } = binaryInFreshDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const result = Bun.spawnSync([binary, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } });
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

  test("migrate creates the databases once; a rerun applies nothing new", () => {
    const first = run(["migrate"], { DATA_DIR: "./data" });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/identity: \d+ migrations applied/);
    const second = run(["migrate"], { DATA_DIR: "./data" });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  test("serve starts all three services, serves GOV.UK assets, and stops cleanly on SIGTERM", async () => {
    const { env } = testEnv({ dataDir: `${dir}/serve-data` });
    const child = Bun.spawn([binary, "serve"], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });
    try {
      for (const url of [env.IDENTITY_URL, env.RECORDS_URL, env.ACCESS_URL]) await waitForHealthy(url, child);
      const css = await fetch(`${env.ACCESS_URL}/assets/govuk-frontend.min.css`);
      expect(css.status).toBe(200);
      expect((await css.text()).length).toBeGreaterThan(100_000);
      const start = await (await fetch(`${env.ACCESS_URL}/`)).text();
      expect(start).toContain("Access your teaching qualifications");
    } finally {
      child.kill("SIGTERM");
    }
    expect(await child.exited).toBe(0);
    const stdout = await new Response(child.stdout).text();
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines.filter((l) => l.event === "service_stopped").map((l) => l.service).sort()).toEqual(["access", "identity", "records"]);
  });
});
