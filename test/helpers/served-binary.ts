// Runs `dist/teacher-id serve` as an operator would (a copy in a directory of its own, free
// ports (see ports.ts), a fresh data directory) and keeps what it prints: stderr is the banner a person reads
// (URLs, the demo client's secret), stdout is JSON log lines.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import type { ServiceName } from "../../src/config/config";
import { binaryInFreshDir, builtBinary, startServeProcess, type ServeProcess } from "./binary";
import { retryOnPortClash } from "./ports";
import { testEnv } from "./system";

export interface ServedBinary {
  dir: string;
  binary: string;
  dataDir: string;
  env: Record<string, string>;
  urls: Record<ServiceName, string>;
  process: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything written to stderr so far (the start-up banner). */
  stderr(): string;
  /** Every JSON log line written to stdout so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Runs another command of the same binary with the same environment (e.g. `identity clients add`). */
  run(args: string[]): { code: number; stdout: string; stderr: string };
  stop(): Promise<number>;
}

export interface ServeOptions {
  env?: Record<string, string>;
  /** Runs before `serve` starts, with the same environment and the binary's directory (e.g. to import records). */
  beforeStart?: (run: ServedBinary["run"], dir: string) => void;
}

/** A source file changed after dist/teacher-id was built (the Makefile's inputs), if any. */
export function newerThanBinary(): string | undefined {
  const root = resolve(import.meta.dir, "../..");
  const built = statSync(builtBinary).mtimeMs;
  const inputs = ["src", "db", "templates"].flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name)),
  );
  return [...inputs, join(root, "package.json"), join(root, "bun.lock")].find((file) => statSync(file).mtimeMs > built);
}

let warnedStale = false;

export async function serveBinary(options: ServeOptions = {}): Promise<ServedBinary> {
  // `make test` builds first; a bare `bun test` may run an old build, which would test old code.
  const stale = warnedStale ? undefined : newerThanBinary();
  if (stale) {
    warnedStale = true;
    console.warn(`warning: ${stale} is newer than dist/teacher-id, so these tests run an old build: run 'make build'`);
  }
  // Each try (another only after a port clash) starts from scratch: new directory, ports and data.
  return retryOnPortClash(async () => {
    const { dir, binary } = binaryInFreshDir();
    const dataDir = join(dir, "data");
    const { env } = testEnv({ dataDir, env: { LOG_LEVEL: "info", ...options.env } });
    const run: ServedBinary["run"] = (args) => {
      const result = Bun.spawnSync([binary, ...args], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } });
      return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
    };
    let serve: ServeProcess;
    try {
      options.beforeStart?.(run, dir);
      serve = await startServeProcess([binary, "serve"], { cwd: dir, env });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    let stopped: Promise<number> | undefined;
    return {
      dir,
      binary,
      dataDir,
      env,
      urls: { identity: env.IDENTITY_URL, records: env.RECORDS_URL, access: env.ACCESS_URL },
      process: serve.process,
      stderr: serve.stderr,
      logs: () =>
        serve
          .stdout()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .map((line) => JSON.parse(line)),
      run,
      stop: () =>
        (stopped ??= (async () => {
          const code = await serve.stop();
          rmSync(dir, { recursive: true, force: true });
          return code;
        })()),
    };
  });
}
