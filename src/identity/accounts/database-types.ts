// The type both identity's database and one of its synchronous transactions satisfy, so a
// function can run alone or inside a caller's transaction.
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "../db/schema";

// drizzle types bun:sqlite's run() result as void, but it is bun's Changes ({ changes, lastInsertRowid }).
export type IdentityDb = BaseSQLiteDatabase<"sync", any, typeof schema>;
