// DATA_DIR holds personal data, hashed secrets, the encrypted signing keys and (all-in-one serve)
// the internal client secrets: only the service user may read it, whatever the umask and however
// it was started (systemd's StateDirectoryMode=0700 and UMask=0077 cover only the unit).
//
// Every command that opens a database first makes its directory 0700 and every file in it 0600.
// Looser modes found there (an older version made databases 0644 in a 0755 directory) are
// tightened, not only reported: nobody but the service user has a reason to read these files, and
// a warning alone leaves the keys readable until someone acts on it. Each change is logged (JSON,
// stderr, level warn) with the mode it had, so an operator who relied on it sees why it changed.
import { chmodSync, closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createLogger, type Logger } from "../log/logger";

export const privateDirMode = 0o700;
export const privateFileMode = 0o600;

// stderr: commands print their results on stdout, and serve's stderr reaches the same journal.
const defaultLogger = createLogger({ level: "warn", write: (line) => process.stderr.write(line + "\n") });

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/**
 * Creates `dir` (0700) or tightens it and the files in it. Returns what it changed. Files the
 * service user does not own cannot be changed: those are logged as a warning and left alone.
 */
export function securePrivateDir(dir: string, logger: Logger = defaultLogger): { path: string; was: string }[] {
  const changed: { path: string; was: string }[] = [];
  mkdirSync(dir, { recursive: true, mode: privateDirMode });
  tighten(dir, statSync(dir).mode, privateDirMode, changed, logger);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue; // not symlinks (chmod would follow them out of DATA_DIR)
    const path = join(dir, entry.name);
    try {
      tighten(path, lstatSync(path).mode, privateFileMode, changed, logger);
    } catch {
      // removed meanwhile (e.g. a -shm file of a connection that just closed)
    }
  }
  return changed;
}

function tighten(path: string, mode: number, wanted: number, changed: { path: string; was: string }[], logger: Logger) {
  // Anything for group or others, or the owner lacking what the service needs.
  if ((mode & 0o777) === wanted || ((mode & 0o077) === 0 && (mode & wanted) === wanted)) return;
  try {
    chmodSync(path, wanted);
    changed.push({ path, was: octal(mode) });
    logger.warn("data_permissions_tightened", { path, was: octal(mode), now: octal(wanted) });
  } catch (error) {
    logger.warn("data_permissions_too_open", { path, mode: octal(mode), wanted: octal(wanted), error: (error as Error).message });
  }
}

/**
 * Creates an empty file with mode 0600 unless it exists. SQLite makes a new database 0644 (and
 * corrects the umask to get it); made 0600 first, the database and the -wal and -shm files SQLite
 * later creates beside it (which copy the database's mode) are 0600 too.
 */
export function createPrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, privateFileMode);
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") return;
    throw error;
  }
  try {
    fchmodSync(fd, privateFileMode); // the umask may have taken bits off
  } finally {
    closeSync(fd);
  }
}
