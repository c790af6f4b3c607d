// How a service's outbox stands, by kind, for its metrics: read at scrape time (one grouped query
// over the pending and failed rows, through the outbox_due index), never per request.
import { inArray, sql } from "drizzle-orm";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { OutboxKindStats } from "../metrics/monitoring";
import { outbox } from "./schema";

type AnySqliteDb = BaseSQLiteDatabase<"sync", unknown, any, any>;

/** A reader prepared once: call it for the current counts. */
export function outboxStatsReader(db: AnySqliteDb): () => OutboxKindStats[] {
  const statement = db
    .select({
      kind: outbox.kind,
      pending: sql<number>`sum(${outbox.status} = 'pending')`,
      failed: sql<number>`sum(${outbox.status} = 'failed')`,
      oldestPendingAt: sql<number | null>`min(case when ${outbox.status} = 'pending' then ${outbox.createdAt} end)`,
    })
    .from(outbox)
    .where(inArray(outbox.status, ["pending", "failed"]))
    .groupBy(outbox.kind)
    .prepare();
  return () => statement.all().map((row) => ({ ...row, pending: Number(row.pending), failed: Number(row.failed) }));
}
