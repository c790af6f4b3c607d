import { join } from "node:path";
import { migrations } from "../../../db/access/migrations";
import { openDatabase, type AppDatabase } from "../../db/open-database";
import * as schema from "./schema";

export type AccessDatabase = AppDatabase<typeof schema>;

export function openAccessDatabase(dataDir: string): AccessDatabase {
  return openDatabase(join(dataDir, "access.sqlite"), schema, migrations);
}
