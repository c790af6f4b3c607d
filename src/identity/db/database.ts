import { join } from "node:path";
import { migrations } from "../../../db/identity/migrations";
import { openDatabase, type AppDatabase } from "../../db/open-database";
import * as schema from "./schema";

export type IdentityDatabase = AppDatabase<typeof schema>;

export function openIdentityDatabase(dataDir: string): IdentityDatabase {
  // secure_delete (set by openDatabase) zeroes an outbox row's code or link once it is redacted.
  return openDatabase(join(dataDir, "identity.sqlite"), schema, migrations);
}
