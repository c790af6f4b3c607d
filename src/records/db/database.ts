import { join } from "node:path";
import { migrations } from "../../../db/records/migrations";
import { openDatabase, type AppDatabase } from "../../db/open-database";
import * as schema from "./schema";

export type RecordsDatabase = AppDatabase<typeof schema>;

export const recordsDatabaseFile = (dataDir: string) => join(dataDir, "records.sqlite");

export function openRecordsDatabase(dataDir: string): RecordsDatabase {
  return openDatabase(recordsDatabaseFile(dataDir), schema, migrations);
}
