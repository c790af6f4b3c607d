// Whether another connection (another process, e.g. the `teacher-id identity ...` commands) has
// committed to identity's database: SQLite's `PRAGMA data_version` changes exactly then, and never
// for this connection's own commits. In-memory copies (signing keys, clients) compare it before
// each use and reload when it moved.
//
// One read serves everything that runs in the same turn of the event loop (a token request's client
// lookup and its signature are one synchronous run): a commit in the middle of that run could not
// be told apart from one a moment after it, so this is as prompt as reading it at each use.
import type { IdentityDatabase } from "./database";

const readers = new WeakMap<IdentityDatabase, () => number>();

export function otherConnectionsVersion(db: IdentityDatabase): number {
  let read = readers.get(db);
  if (!read) readers.set(db, (read = versionReader(db)));
  return read();
}

function versionReader(db: IdentityDatabase): () => number {
  const statement = db.$client.prepare("PRAGMA data_version");
  let current: number | undefined;
  const forget = () => (current = undefined);
  return () => {
    if (current !== undefined) return current;
    const version = statement.values()[0][0] as number;
    current = version;
    queueMicrotask(forget);
    return version;
  };
}
