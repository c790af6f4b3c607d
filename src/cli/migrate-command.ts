import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ServiceName } from "../config/config";
import { appliedMigrationCount } from "../db/open-database";
import { openAccessDatabase } from "../access/db/database";
import { openIdentityDatabase } from "../identity/db/database";
import { openRecordsDatabase } from "../records/db/database";
import { loadServeConfig } from "./configuration";
import type { Command } from "./command";
import { parseOnly } from "./only-option";

const openers: Record<ServiceName, (dataDir: string) => { $client: { close(): void } }> = {
  identity: openIdentityDatabase,
  records: openRecordsDatabase,
  access: openAccessDatabase,
};

function countApplied(file: string): number {
  const sqlite = new Database(file);
  try {
    return appliedMigrationCount(sqlite);
  } finally {
    sqlite.close();
  }
}

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Create or upgrade the databases, then exit",
  help: `Usage: teacher-id migrate [--only identity,records,access]

Applies any migrations not yet applied to each service's SQLite file in DATA_DIR.
Safe to run again: a database that is up to date is left as it is. 'serve' does this too.
Checks the same settings 'serve' would for those services, so it also tells whether they are right.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { only: { type: "string" } }, strict: true });
    const only = parseOnly(values.only);
    const config = loadServeConfig(io.env, only).shared;
    for (const name of only) {
      const file = join(config.DATA_DIR, `${name}.sqlite`);
      const before = existsSync(file) ? countApplied(file) : 0;
      const db = openers[name](config.DATA_DIR) as unknown as { $client: Database };
      const after = appliedMigrationCount(db.$client);
      db.$client.close();
      io.out(`${name}: ${after} migrations, ${after - before} applied now (${file})`);
    }
    return 0;
  },
};
