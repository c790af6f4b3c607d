// The systemd units in deploy/ are valid, hardened, and run the binary the way the docs say.
// Checked with systemd-analyze (offline: no running systemd needed); skipped where it is missing.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { builtBinary } from "../helpers/binary";

const deploy = resolve(import.meta.dir, "../../deploy");
const analyze = Bun.which("systemd-analyze");
const work = mkdtempSync(join(tmpdir(), "teacher-id-units-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The unit with the installed binary's path pointed at the built one, so verify can find it. */
function unitForVerify(name: string): string {
  const path = join(work, name);
  writeFileSync(path, readFileSync(join(deploy, name), "utf8").replaceAll("/usr/local/bin/teacher-id", builtBinary));
  return path;
}

function run(args: string[]) {
  const result = Bun.spawnSync([analyze!, ...args], { cwd: work });
  return { code: result.exitCode, output: result.stdout.toString() + result.stderr.toString() };
}

describe.skipIf(!analyze)("deploy/ systemd units", () => {
  for (const name of ["teacher-id.service", "teacher-id-backup.service", "teacher-id-backup.timer"]) {
    test(`${name} passes systemd-analyze verify with no warnings`, () => {
      const { code, output } = run(["verify", unitForVerify(name)]);
      expect(output).toBe("");
      expect(code).toBe(0);
    });
  }

  test("teacher-id.service is hardened: exposure rated OK by systemd-analyze security", () => {
    const { output } = run(["security", "--offline=true", unitForVerify("teacher-id.service")]);
    const exposure = Number(/Overall exposure level for teacher-id\.service: ([\d.]+)/.exec(output)?.[1]);
    expect(exposure).toBeLessThanOrEqual(2.0);
  });

  test("teacher-id-admin is valid sh and runs commands with the unit's user, settings and DATA_DIR", () => {
    const script = join(deploy, "teacher-id-admin");
    expect(Bun.spawnSync(["sh", "-n", script]).exitCode).toBe(0);
    const text = readFileSync(script, "utf8");
    for (const part of [
      "--uid=teacher-id",
      "EnvironmentFile=/etc/teacher-id/teacher-id.env",
      "DATA_DIR=/var/lib/teacher-id",
      '/usr/local/bin/teacher-id "$@"',
    ]) {
      expect(text).toContain(part);
    }
  });

  test("teacher-id.service runs serve with the state directory as DATA_DIR and restarts on failure", () => {
    const unit = readFileSync(join(deploy, "teacher-id.service"), "utf8");
    for (const line of [
      "ExecStart=/usr/local/bin/teacher-id serve",
      "StateDirectory=teacher-id",
      "Environment=DATA_DIR=/var/lib/teacher-id",
      "EnvironmentFile=/etc/teacher-id/teacher-id.env",
      "ProtectSystem=strict",
      "NoNewPrivileges=yes",
      "Restart=on-failure",
    ]) {
      expect(unit.split("\n")).toContain(line);
    }
  });

  test("the example environment file passes the binary's settings check (production, https URLs, SMTP)", () => {
    const lines = readFileSync(join(deploy, "teacher-id.env.example"), "utf8")
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l));
    // systemd's EnvironmentFile (and sh) take off surrounding double quotes.
    const value = (raw: string) => raw.replace(/^"(.*)"$/, "$1");
    const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf("=")), value(l.slice(l.indexOf("=") + 1))]));
    // The binary validates every setting before it does anything, so a clean migrate accepts them all.
    const check = Bun.spawnSync([builtBinary, "migrate"], {
      env: { PATH: process.env.PATH ?? "", ...env, DATA_DIR: join(work, "data") },
    });
    expect(check.stderr.toString()).toBe("");
    expect(check.exitCode).toBe(0);
  });
});
