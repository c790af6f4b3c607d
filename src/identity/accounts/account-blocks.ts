// Blocked accounts (the support console blocks and unblocks them): a blocked account cannot sign in.
// Read by the end of every journey (journey/finish-journey.ts), written by admin/teachers/.
import { eq, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../db/database";
import { accountBlocks } from "../db/schema";

export type AccountBlock = typeof accountBlocks.$inferSelect;

// Read at the end of every journey: prepared once per connection (db/per-connection).
const blockOf = perConnection((db: IdentityDb) =>
  db.select().from(accountBlocks).where(eq(accountBlocks.accountId, sql.placeholder("accountId"))).prepare(),
);

export function accountBlock(db: IdentityDb, accountId: string): AccountBlock | undefined {
  return blockOf(db).get({ accountId });
}

export const isAccountBlocked = (db: IdentityDb, accountId: string): boolean => accountBlock(db, accountId) !== undefined;
