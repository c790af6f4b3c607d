// The built artefact, run from a directory of its own with no node_modules beside it.
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryInFreshDir, startServeProcess } from "../helpers/binary";
import { retryOnPortClash } from "../helpers/ports";
import { testEnv } from "../helpers/system";

const { dir, binary } = binaryInFreshDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}, cwd = dir) {
  // Bounded: a command that should refuse to start must not hang the suite if it starts instead.
  const result = Bun.spawnSync([binary, ...args], { cwd, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 });
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
    // On 127.0.0.1, development mode is what it says: no warning.
    expect(child.stderr()).not.toContain("WARNING");
  });
});

/** Starts `serve` and waits for its banner; stop() sends SIGTERM and returns what it printed. */
async function serveUntilReady(args: string[], env: Record<string, string>) {
  const child = await startServeProcess([binary, "serve", ...args], { cwd: dir, env });
  return {
    async stop() {
      const code = await child.stop();
      return { code, stdout: child.stdout(), stderr: child.stderr() };
    },
  };
}

/** The settings check's list, one setting name per problem. */
const namedSettings = (stderr: string) =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith("  - "))
    .map((line) => line.slice(4).split(" ")[0])
    .sort();

describe("dist/teacher-id in production", () => {
  const production = (dataDir: string): Record<string, string> => ({
    ...testEnv({ dataDir: join(dir, dataDir) }).env,
    ENVIRONMENT: "production",
    IDENTITY_URL: "https://id.teacher.example",
    RECORDS_URL: "https://records.teacher.example",
    ACCESS_URL: "https://qualifications.teacher.example",
  });
  const notify = { NOTIFY_API_KEY: `live-${crypto.randomUUID()}-${crypto.randomUUID()}`, NOTIFY_SMS_TEMPLATE_ID: crypto.randomUUID() };
  const clients = {
    IDENTITY_CLIENT_ID: "identity-prod",
    IDENTITY_CLIENT_SECRET: "i".repeat(43),
    RECORDS_CLIENT_ID: "records-prod",
    RECORDS_CLIENT_SECRET: "r".repeat(43),
    ACCESS_CLIENT_ID: "access-prod",
    ACCESS_CLIENT_SECRET: "a".repeat(43),
    IDENTITY_WEBHOOK_SECRET: "whsec_" + Buffer.alloc(32, 7).toString("base64"),
  };

  test("serve --only access asks only for access's settings (no SMTP_URL, no NOTIFY_*), and starts when they are given", async () => {
    const env = production("access-only");
    const refused = run(["serve", "--only", "access"], env);
    expect(refused.code).toBe(78);
    expect(namedSettings(refused.stderr)).toEqual(["ACCESS_CLIENT_ID", "ACCESS_CLIENT_SECRET"]);
    expect(refused.stderr).toContain("ACCESS_CLIENT_SECRET is required when ENVIRONMENT=production");

    const served = await serveUntilReady(["--only", "access"], { ...env, ACCESS_CLIENT_ID: clients.ACCESS_CLIENT_ID, ACCESS_CLIENT_SECRET: clients.ACCESS_CLIENT_SECRET });
    const { code, stderr } = await served.stop();
    expect(code).toBe(0);
    expect(stderr).toContain("access    https://qualifications.teacher.example");
  });

  test("NOTIFY_API_KEY missing stops start-up with exit 78 naming it, not an uncaught exception", () => {
    const { code, stderr } = run(["serve"], { ...production("no-notify"), SMTP_URL: "smtp://127.0.0.1:1", ...clients });
    expect(code).toBe(78);
    expect(namedSettings(stderr)).toEqual(["NOTIFY_API_KEY", "SIGNING_KEY_PASSPHRASE"]);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test("production never reads the provisioned secrets file: records alone wants its settings, and serve leaves the file alone", async () => {
    const env: Record<string, string> = { ...production("secrets-file"), SMTP_URL: "smtp://127.0.0.1:1" };
    mkdirSync(env.DATA_DIR, { recursive: true });
    const secretsFile = join(env.DATA_DIR, "internal-client-secrets.json");
    // What a development serve would have left: records' credentials, ready to use.
    writeFileSync(secretsFile, JSON.stringify({ records: { clientId: "records-service", clientSecret: "s".repeat(43) } }));
    const refused = run(["serve", "--only", "records"], env);
    expect(refused.code).toBe(78);
    expect(namedSettings(refused.stderr)).toEqual(["IDENTITY_WEBHOOK_SECRET", "RECORDS_CLIENT_ID", "RECORDS_CLIENT_SECRET"]);
    expect(refused.stderr).toContain("IDENTITY_WEBHOOK_SECRET is required when ENVIRONMENT=production");

    // All three with their settings start, and neither read (it is not JSON) nor rewrite the file.
    writeFileSync(secretsFile, "{ not json");
    const served = await serveUntilReady([], { ...env, ...notify, ...clients, SIGNING_KEY_PASSPHRASE: "a passphrase for this test only" });
    expect((await served.stop()).code).toBe(0);
    expect(readFileSync(secretsFile, "utf8")).toBe("{ not json");
  });
});

describe("dist/teacher-id in development", () => {
  test("serve warns loudly on stderr when a public URL is not on this machine", async () => {
    const { env } = testEnv({ dataDir: join(dir, "dev-public") });
    const served = await serveUntilReady(["--only", "access"], { ...env, ACCESS_URL: "https://qualifications.teacher.example" });
    const { code, stderr, stdout } = await served.stop();
    expect(code).toBe(0);
    expect(stderr).toContain("WARNING: ENVIRONMENT=development, but these public URLs are not on this machine:");
    expect(stderr).toContain("  ACCESS_URL=https://qualifications.teacher.example");
    expect(stderr).not.toContain("IDENTITY_URL=");
    expect(stderr).toContain("set ENVIRONMENT=production");
    expect(stdout).toContain('"event":"development_mode_on_public_url"');
  });
});
