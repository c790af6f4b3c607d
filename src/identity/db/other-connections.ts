// Whether another connection (another process, e.g. the `teacher-id identity ...` commands) has
// committed to identity's database: SQLite's `PRAGMA data_version` changes exactly then, and never
// for this connection's own commits. In-memory copies (signing keys, clients) compare it before
// each use and reload when it moved.
//
// The read costs a few µs, a noticeable share of a POST /token, so it is made at most once per
// `otherConnectionsCheckMs`: a client secret rotated, a client removed or a key rotated by the CLI
// is seen by identity within that time (in practice at once: the command takes longer than that
// to start and exit).
import type { IdentityDatabaseFile } from "./database";

export const otherConnectionsCheckMs = 1;

const readers = new WeakMap<IdentityDatabaseFile, () => number>();

export function otherConnectionsVersion(db: IdentityDatabaseFile): number {
  let read = readers.get(db);
  if (!read) readers.set(db, (read = versionReader(db)));
  return read();
}

function versionReader(db: IdentityDatabaseFile): () => number {
  const statement = db.$client.prepare("PRAGMA data_version");
  let version = -1;
  let readAt = -Infinity;
  return () => {
    const now = performance.now();
    if (now - readAt >= otherConnectionsCheckMs) {
      version = statement.values()[0][0] as number;
      readAt = now;
    }
    return version;
  };
}
