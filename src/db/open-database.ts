// Opens one service's SQLite file with the pragmas that make it safe and fast (see STACK-NOTES),
// and applies that service's embedded migrations. The file and its directory are private
// (private-files.ts).
import { Database, type Statement } from "bun:sqlite";
import { dirname } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { MigrationMeta } from "drizzle-orm/migrator";
import { createPrivateFile, securePrivateDir } from "./private-files";

export type AppDatabase<TSchema extends Record<string, unknown>> = BunSQLiteDatabase<TSchema> & { $client: Database };

export function openSqlite(path: string): Database {
  if (path !== ":memory:") {
    securePrivateDir(dirname(path));
    createPrivateFile(path);
  }
  const sqlite = new Database(path, { create: true, strict: true });
  // WAL + synchronous=NORMAL: a commit is durable against a process crash (kill -9) and fast.
  sqlite.run("PRAGMA journal_mode = WAL");
  sqlite.run("PRAGMA synchronous = NORMAL");
  sqlite.run("PRAGMA busy_timeout = 5000");
  sqlite.run("PRAGMA foreign_keys = ON");
  // Deleted and overwritten rows (a redacted outbox payload, a used code, an old key) are zeroed
  // in the file, freed pages included, instead of lingering in free space. Older copies remain in
  // the -wal file until a checkpoint: the outbox worker checkpoints after it redacts a row.
  sqlite.run("PRAGMA secure_delete = ON");
  return sqlite;
}

export function openDatabase<TSchema extends Record<string, unknown>>(
  path: string,
  schema: TSchema,
  migrations: MigrationMeta[],
): AppDatabase<TSchema> {
  const sqlite = openSqlite(path);
  reuseStatements(sqlite);
  const db = drizzle({ client: sqlite, schema }) as AppDatabase<TSchema>;
  applyMigrations(db, migrations);
  return db;
}

/**
 * drizzle prepares a new statement for every query it runs; parsing and planning the same SQL again
 * was ~15% of serve's CPU in a registration (bench). Statements are reused by SQL text instead:
 * safe because every use runs to completion synchronously (get/all/values/run reset the statement).
 * Bounded: query texts are few, but a runaway (e.g. many IN-list lengths) only empties the cache.
 */
function reuseStatements(sqlite: Database, limit = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Statement>();
  sqlite.prepare = ((sql: string, ...rest: unknown[]) => {
    if (rest.length > 0) return (prepare as (...args: unknown[]) => Statement)(sql, ...rest);
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= limit) cache.clear();
      cache.set(sql, (statement = prepare(sql)));
    }
    return statement;
  }) as Database["prepare"];
  const close = sqlite.close.bind(sqlite);
  sqlite.close = (throwOnError?: boolean) => {
    for (const statement of cache.values()) statement.finalize();
    cache.clear();
    return close(throwOnError);
  };
}

/** Applies migrations not yet recorded in __drizzle_migrations; a rerun does nothing. */
export function applyMigrations(db: BunSQLiteDatabase<any>, migrations: MigrationMeta[]): void {
  // The dialect migrator is what drizzle's folder migrator calls after reading files from disk;
  // we hand it the embedded copies so the compiled binary needs no db/ folder beside it.
  (db as any).dialect.migrate(migrations, (db as any).session, {});
}

/** Lists applied migration hashes; used by `teacher-id migrate` and its tests. */
export function appliedMigrationCount(sqlite: Database): number {
  const table = sqlite.query("SELECT name FROM sqlite_master WHERE type='table' AND name='__drizzle_migrations'").get();
  if (!table) return 0;
  return (sqlite.query("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
}
