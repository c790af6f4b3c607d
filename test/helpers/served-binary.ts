// Runs `dist/teacher-id serve` as an operator would (a copy in a directory of its own, free
// ports, a fresh data directory) and keeps what it prints: stderr is the banner a person reads
// (URLs, the demo client's secret), stdout is JSON log lines.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import type { ServiceName } from "../../src/config/config";
import { binaryInFreshDir, builtBinary, waitForHealthy } from "./binary";
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
  const { dir, binary } = binaryInFreshDir();
  const dataDir = join(dir, "data");
  const { env } = testEnv({ dataDir, env: { LOG_LEVEL: "info", ...options.env } });
  const fullEnv = { PATH: process.env.PATH ?? "", ...env };
  const run: ServedBinary["run"] = (args) => {
    const result = Bun.spawnSync([binary, ...args], { cwd: dir, env: fullEnv });
    return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
  };
  options.beforeStart?.(run, dir);
  const child = Bun.spawn([binary, "serve"], {
    cwd: dir,
    env: fullEnv,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let stdoutText = "";
  let stderrText = "";
  const drain = async (stream: ReadableStream<Uint8Array>, append: (text: string) => void) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) append(decoder.decode(chunk, { stream: true }));
  };
  const drained = Promise.all([
    drain(child.stdout, (t) => (stdoutText += t)),
    drain(child.stderr, (t) => (stderrText += t)),
  ]);
  const urls = { identity: env.IDENTITY_URL, records: env.RECORDS_URL, access: env.ACCESS_URL };
  try {
    for (const url of Object.values(urls)) await waitForHealthy(url, child);
  } catch (error) {
    child.kill("SIGKILL");
    await drained.catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `serve did not start: ${(error as Error).message}\n--- stderr ---\n${stderrText}\n--- stdout ---\n${stdoutText}`,
    );
  }
  // The banner is written just after the listeners start; wait for it so callers can read it.
  for (let i = 0; i < 200 && !stderrText.includes("Press Ctrl+C"); i++) await Bun.sleep(10);
  let stopped: Promise<number> | undefined;
  return {
    dir,
    binary,
    dataDir,
    env,
    urls,
    process: child,
    stderr: () => stderrText,
    logs: () =>
      stdoutText
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line)),
    run,
    stop: () =>
      (stopped ??= (async () => {
        child.kill("SIGTERM");
        const code = await child.exited;
        await drained.catch(() => {});
        rmSync(dir, { recursive: true, force: true });
        return code;
      })()),
  };
}
