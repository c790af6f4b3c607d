import { join } from "node:path";
import { migrations } from "../../../db/records/migrations";
import { openDatabase, type AppDatabase } from "../../db/open-database";
import * as schema from "./schema";

export type RecordsDatabase = AppDatabase<typeof schema>;

export function openRecordsDatabase(dataDir: string): RecordsDatabase {
  return openDatabase(join(dataDir, "records.sqlite"), schema, migrations);
}
