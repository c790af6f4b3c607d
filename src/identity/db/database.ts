import { join } from "node:path";
import { migrations } from "../../../db/identity/migrations";
import { openDatabase, type AppDatabase } from "../../db/open-database";
import * as schema from "./schema";

export type IdentityDatabase = AppDatabase<typeof schema>;

export function openIdentityDatabase(dataDir: string): IdentityDatabase {
  return openDatabase(join(dataDir, "identity.sqlite"), schema, migrations);
}
