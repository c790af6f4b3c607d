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

export async function waitForHealthy(url: string, process?: Subprocess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process?.exitCode !== null && process?.exitCode !== undefined) throw new Error(`exited with ${process.exitCode}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await Bun.sleep(25);
  }
  throw new Error(`${url} did not become healthy within ${timeoutMs} ms`);
}
