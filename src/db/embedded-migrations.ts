// Turns migration SQL embedded with `import ... with { type: "text" }` into what drizzle's
// migrator expects. The hash matches drizzle's folder migrator, so either can run a database.
import { createHash } from "node:crypto";
import type { MigrationMeta } from "drizzle-orm/migrator";

export interface Journal {
  entries: { idx: number; when: number; tag: string; breakpoints: boolean }[];
}

export function embeddedMigrations(journal: Journal, sqlByTag: Record<string, string>): MigrationMeta[] {
  return journal.entries.map((entry) => {
    const query = sqlByTag[entry.tag];
    if (query === undefined) throw new Error(`Migration ${entry.tag} is in the journal but not embedded`);
    return {
      sql: query.split("--> statement-breakpoint"),
      bps: entry.breakpoints,
      folderMillis: entry.when,
      hash: createHash("sha256").update(query).digest("hex"),
    };
  });
}
