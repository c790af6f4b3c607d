// `teacher-id backup --to DIR`: an online backup of each service's SQLite file.
// VACUUM INTO reads one consistent snapshot inside a read transaction, so under WAL the running
// services keep reading and writing while it copies. Each copy is written under a temporary name,
// synced to disk (SQLite does not fsync VACUUM INTO output), checked, then linked into place:
// a backup file that exists is complete, and an existing file is never overwritten.
import { Database } from "bun:sqlite";
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadSharedConfig, type Environment, type ServiceName } from "../config/config";
import { provisionedSecretsFileName } from "../config/internal-clients";
import { createPrivateFile, privateDirMode, privateFileMode } from "../db/private-files";
import type { Command } from "./command";
import { parseOnly } from "./only-option";

/** Not a database, but the all-in-one development `serve` cannot call between services without it. */
const internalSecretsFile = provisionedSecretsFileName;

export interface BackedUpFile {
  name: string;
  path: string;
  bytes: number;
  /** Rows in each table of the copy (databases only). */
  rows?: Record<string, number>;
}

export class BackupRefused extends Error {}

/** Copies `source` (a live SQLite file) to `target`, which must not exist. */
export function backupDatabase(source: string, target: string): { bytes: number; rows: Record<string, number> } {
  if (existsSync(target)) throw new BackupRefused(`${target} already exists; choose an empty directory`);
  const partial = `${target}.partial-${process.pid}`;
  // Made 0600 before SQLite writes to it (VACUUM INTO takes an empty file and keeps its mode):
  // a backup holds what DATA_DIR holds, and SQLite would make it 0644 whatever the umask.
  createPrivateFile(partial);
  try {
    const db = new Database(source, { readwrite: true });
    try {
      db.run("PRAGMA busy_timeout = 5000");
      db.query("VACUUM INTO ?").run(partial);
    } finally {
      db.close();
    }
    syncFile(partial);
    const rows = verifyCopy(partial);
    linkSync(partial, target); // fails if target appeared meanwhile: never overwrites
    return { bytes: statSync(target).size, rows };
  } finally {
    if (existsSync(partial)) unlinkSync(partial);
  }
}

/** Opens the copy on its own: integrity check, and rows per table for the operator to see. */
function verifyCopy(path: string): Record<string, number> {
  const copy = new Database(path, { readonly: true });
  try {
    const check = copy.query("PRAGMA integrity_check").all() as { integrity_check: string }[];
    if (check.length !== 1 || check[0].integrity_check !== "ok") {
      throw new Error(
        `the copy at ${path} failed its integrity check: ${check.map((c) => c.integrity_check).join("; ")}`,
      );
    }
    const tables = copy
      .query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all() as { name: string }[];
    const rows: Record<string, number> = {};
    for (const { name } of tables) {
      rows[name] = (copy.query(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n;
    }
    return rows;
  } finally {
    copy.close();
  }
}

function syncFile(path: string, flags = constants.O_RDONLY): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface BackupOptions {
  dataDir: string;
  toDir: string;
  services: ServiceName[];
  /** True when the operator named the services: then a missing database is an error, not a skip. */
  servicesGiven: boolean;
  /** Production never reads the provisioned secrets file (src/config/internal-clients.ts), so never copies it. */
  environment: Environment;
}

export interface BackupResult {
  written: BackedUpFile[];
  skipped: string[];
}

export function backupDataDir(options: BackupOptions): BackupResult {
  const dataDir = resolve(options.dataDir);
  const toDir = resolve(options.toDir);
  if (toDir === dataDir) throw new BackupRefused("--to must not be DATA_DIR itself");
  const present = options.services.filter((name) => existsSync(join(dataDir, `${name}.sqlite`)));
  const missing = options.services.filter((name) => !present.includes(name));
  if (options.servicesGiven && missing.length > 0) {
    throw new BackupRefused(`No database for ${missing.join(", ")} in ${dataDir} (is DATA_DIR right?)`);
  }
  if (present.length === 0) {
    throw new BackupRefused(`No databases in ${dataDir}: set DATA_DIR to the directory 'serve' uses`);
  }
  const secrets = join(dataDir, internalSecretsFile);
  const copySecrets = options.environment === "development" && !options.servicesGiven && existsSync(secrets);
  // Check every target before writing anything, so a refusal leaves nothing half done.
  const targets = [...present.map((name) => `${name}.sqlite`), ...(copySecrets ? [internalSecretsFile] : [])];
  const clashing = targets.filter((file) => existsSync(join(toDir, file)));
  if (clashing.length > 0) {
    throw new BackupRefused(
      `Refusing to overwrite ${clashing.map((f) => join(toDir, f)).join(", ")}; choose an empty directory`,
    );
  }
  if (!existsSync(toDir)) {
    mkdirSync(toDir, { recursive: true, mode: privateDirMode });
    chmodSync(toDir, privateDirMode); // the umask may have taken bits off
  }
  const written: BackedUpFile[] = [];
  for (const name of present) {
    const path = join(toDir, `${name}.sqlite`);
    const { bytes, rows } = backupDatabase(join(dataDir, `${name}.sqlite`), path);
    written.push({ name, path, bytes, rows });
  }
  if (copySecrets) {
    const path = join(toDir, internalSecretsFile);
    copyFileSync(secrets, path, constants.COPYFILE_EXCL);
    chmodSync(path, privateFileMode);
    syncFile(path);
    written.push({ name: "internal client secrets", path, bytes: statSync(path).size });
  }
  syncFile(toDir); // the new directory entries themselves
  return { written, skipped: missing };
}

export const backupCommand: Command = {
  name: "backup",
  summary: "Copy every service's database to a directory, safely while serving",
  help: `Usage: teacher-id backup --to DIR [--only identity,records,access]

Writes a consistent copy of each service's SQLite database in DATA_DIR to DIR, using
SQLite's VACUUM INTO. Safe while 'serve' is running: requests carry on during the copy.
Each copy is synced to disk and integrity-checked before it gets its final name.
DIR is created (mode 0700) when missing; every file written is 0600, whatever the umask.
Nothing is ever overwritten: if DIR already holds any of the files, nothing is written and
the command exits 1.

In development, also copies ${internalSecretsFile} (the all-in-one serve's
service-to-service credentials) when present and --only is not given: keep backups as
secret as DATA_DIR.

Options:
  --to DIR      Where to write the copies (required), e.g. /var/backups/teacher-id/$(date +%F)
  --only LIST   Back up only these services (comma-separated).

Restore: stop the service, remove its NAME.sqlite, NAME.sqlite-wal and NAME.sqlite-shm
from DATA_DIR, copy the backup's NAME.sqlite there (owned by the service user), start it
with the same SIGNING_KEY_PASSPHRASE: identity's signing keys are encrypted with it.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { to: { type: "string" }, only: { type: "string" } }, strict: true });
    if (!values.to) throw new Error("--to DIR is required: the directory to write the copies to");
    const config = loadSharedConfig(io.env);
    try {
      const started = performance.now();
      const result = backupDataDir({
        dataDir: config.DATA_DIR,
        toDir: values.to,
        services: parseOnly(values.only),
        servicesGiven: values.only !== undefined,
        environment: config.ENVIRONMENT,
      });
      for (const file of result.written) {
        const rows = file.rows
          ? `, ${Object.values(file.rows).reduce((a, b) => a + b, 0)} rows in ${Object.keys(file.rows).length} tables, integrity ok`
          : "";
        io.out(`${file.name}: wrote ${file.path} (${formatBytes(file.bytes)}${rows})`);
      }
      for (const name of result.skipped) io.out(`${name}: no database in ${config.DATA_DIR}, skipped`);
      io.out(`Backup complete in ${Math.round(performance.now() - started)} ms.`);
      return 0;
    } catch (error) {
      if (error instanceof BackupRefused) {
        io.err(error.message);
        return 1;
      }
      throw error;
    }
  },
};

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
