import { parseArgs } from "node:util";
import { loadConfig, type ServiceName } from "../config/config";
import { appliedMigrationCount } from "../db/open-database";
import { openAccessDatabase } from "../access/db/database";
import { openIdentityDatabase } from "../identity/db/database";
import { openRecordsDatabase } from "../records/db/database";
import type { Command } from "./command";
import { parseOnly } from "./only-option";

const openers: Record<ServiceName, (dataDir: string) => { $client: { close(): void } }> = {
  identity: openIdentityDatabase,
  records: openRecordsDatabase,
  access: openAccessDatabase,
};

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Create or upgrade the databases, then exit",
  help: `Usage: teacher-id migrate [--only identity,records,access]

Applies any migrations not yet applied to each service's SQLite file in DATA_DIR.
Safe to run again: a database that is up to date is left as it is. 'serve' does this too.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { only: { type: "string" } }, strict: true });
    const config = loadConfig(io.env);
    for (const name of parseOnly(values.only)) {
      const db = openers[name](config.DATA_DIR) as unknown as { $client: import("bun:sqlite").Database };
      io.out(`${name}: ${appliedMigrationCount(db.$client)} migrations applied (${config.DATA_DIR}/${name}.sqlite)`);
      db.$client.close();
    }
    return 0;
  },
};
