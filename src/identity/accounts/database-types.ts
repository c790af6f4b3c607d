// The type both identity's database and one of its synchronous transactions satisfy, so a
// function can run alone or inside a caller's transaction.
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "../db/schema";

export type IdentityDb = BaseSQLiteDatabase<"sync", any, typeof schema>;
