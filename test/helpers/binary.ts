// Runs the built executable (dist/teacher-id) the way an operator would: copied to a directory
// of its own, away from the source tree and node_modules.
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

export const builtBinary = resolve(import.meta.dir, "../../dist/teacher-id");

/** A fresh directory holding a copy of the binary; run it with cwd set to that directory. */
export function binaryInFreshDir(): { dir: string; binary: string } {
  if (!existsSync(builtBinary)) throw new Error(`${builtBinary} is missing: run 'make build' (make test does)`);
  const dir = mkdtempSync(join(tmpdir(), "teacher-id-bin-"));
  const binary = join(dir, "teacher-id");
  copyFileSync(builtBinary, binary);
  Bun.spawnSync(["chmod", "+x", binary]);
  return { dir, binary };
}

/** What `serve` writes to stderr once every service it starts is listening (the end of its banner). */
export const serveBanner = "Press Ctrl+C to stop.";

export interface ServeProcess {
  process: Subprocess<"ignore", "pipe", "pipe">;
  /** Everything written to stdout so far (JSON log lines). */
  stdout(): string;
  /** Everything written to stderr so far (the banner a person reads). */
  stderr(): string;
  /** Sends the signal, then resolves with the exit code once all output is read. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<number>;
}

/**
 * Starts a `serve` command (the built binary, or `bun src/main.ts serve`) and resolves once its
 * banner says every service is listening: so a health check never reaches another test's server on
 * a port this child failed to get. If it exits first because a port was taken, the error has code
 * EADDRINUSE, for retryOnPortClash (ports.ts) to start it again on new ports.
 */
export async function startServeProcess(
  command: string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<ServeProcess> {
  const child = Bun.spawn(command, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", ...options.env },
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
  const drained = Promise.all([drain(child.stdout, (t) => (stdoutText += t)), drain(child.stderr, (t) => (stderrText += t))]);
  let stopped: Promise<number> | undefined;
  const stop = (signal: "SIGTERM" | "SIGKILL" = "SIGTERM") =>
    (stopped ??= (async () => {
      child.kill(signal);
      const code = await child.exited;
      await drained.catch(() => {});
      return code;
    })());

  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  while (!stderrText.includes(serveBanner)) {
    const exited = child.exitCode !== null;
    if (exited || Date.now() > deadline) {
      const code = await stop("SIGKILL");
      const output = `--- stderr ---\n${stderrText}\n--- stdout ---\n${stdoutText}`;
      if (/EADDRINUSE/.test(stderrText + stdoutText)) {
        throw Object.assign(new Error(`serve found a port taken:\n${output}`), { code: "EADDRINUSE" });
      }
      throw new Error(`serve did not start (${exited ? `exited with ${code}` : `no banner within ${timeoutMs} ms`}):\n${output}`);
    }
    await Bun.sleep(10);
  }
  return { process: child, stdout: () => stdoutText, stderr: () => stderrText, stop };
}
