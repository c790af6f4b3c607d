import { join } from "node:path";
import { migrations } from "../../../db/identity/migrations";
import { openDatabase, type AppDatabase } from "../../db/open-database";
import * as schema from "./schema";

export type IdentityDatabase = AppDatabase<typeof schema>;

export function openIdentityDatabase(dataDir: string): IdentityDatabase {
  const db = openDatabase(join(dataDir, "identity.sqlite"), schema, migrations);
  // An outbox row holds a security code or a new link in clear until it is sent, then is redacted.
  // Without this, the redacted bytes stay in the page's free space on disk. FAST zeroes them
  // without extra I/O (freelist pages are left alone, but a redacted row frees no page).
  db.$client.run("PRAGMA secure_delete = FAST");
  return db;
}
