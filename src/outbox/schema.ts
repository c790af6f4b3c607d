// The outbox table every service that sends mail or SMS has in its own database. A message is
// inserted in the same transaction as the change that caused it, so a commit never loses one.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** What to do with it, e.g. "email", "sms", or a service's own kind such as "qts-invitation". */
    kind: text("kind").notNull(),
    /** JSON; handlers may update it between attempts (e.g. store a link before sending). */
    payload: text("payload").notNull(),
    /** pending -> sent | failed. A claimed message stays pending with claimed_until in the future. */
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    claimedUntil: integer("claimed_until"),
    lastError: text("last_error"),
    /** Makes an enqueue idempotent, e.g. one invitation per TRN. */
    dedupeKey: text("dedupe_key").unique(),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [index("outbox_due").on(t.status, t.nextAttemptAt)],
);
