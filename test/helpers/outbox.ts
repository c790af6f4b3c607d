// What identity has decided to send: the rows of its outbox table (src/outbox/schema.ts), sent or
// not yet. A message is written in the same transaction as the request that caused it, so once the
// response is back its row is there: "nothing was sent" is a count that did not change, with no
// waiting for mail that should not arrive.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { outbox } from "../../src/outbox/schema";

export interface OutboxMessage {
  kind: string;
  status: string;
  /** Email address or phone number (kept after sending, unlike the text). */
  to: string;
  /** Emails only. */
  subject?: string;
}

/** Every email and text message in identity's outbox (its SQLite file in dataDir), oldest first. */
export function identityOutbox(dataDir: string): OutboxMessage[] {
  const client = new Database(join(dataDir, "identity.sqlite"));
  try {
    client.run("PRAGMA busy_timeout=5000");
    return drizzle(client)
      .select()
      .from(outbox)
      .orderBy(asc(outbox.id))
      .all()
      .map((row) => {
        const payload = JSON.parse(row.payload) as { to?: string; subject?: string };
        return { kind: row.kind, status: row.status, to: payload.to ?? "", subject: payload.subject };
      });
  } finally {
    client.close();
  }
}
