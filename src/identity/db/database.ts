import { join } from "node:path";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import { migrations } from "../../../db/identity/migrations";
import { openDatabase, type AppDatabase } from "../../db/open-database";
import * as schema from "./schema";

/**
 * identity's database or one of its synchronous transactions: what a query function takes when it
 * must also run inside its caller's transaction.
 */
export type IdentityDb = BaseSQLiteDatabase<"sync", any, typeof schema>;

/**
 * The open database file: an IdentityDb with its bun:sqlite handle ($client), for what needs the
 * connection itself (pragmas, data_version, per-connection caches, closing). The service holds one.
 */
export type IdentityDatabaseFile = AppDatabase<typeof schema>;

export function openIdentityDatabase(dataDir: string): IdentityDatabaseFile {
  // secure_delete (set by openDatabase) zeroes an outbox row's code or link once it is redacted.
  return openDatabase(join(dataDir, "identity.sqlite"), schema, migrations);
}
