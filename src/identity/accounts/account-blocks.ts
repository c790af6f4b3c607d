// Blocked accounts (the support console blocks and unblocks them): a blocked account cannot sign in.
// Read by the end of every journey (journey/finish-journey.ts), written by admin/teachers/.
import { eq } from "drizzle-orm";
import type { IdentityDb } from "../db/database";
import { accountBlocks } from "../db/schema";

export type AccountBlock = typeof accountBlocks.$inferSelect;

export function accountBlock(db: IdentityDb, accountId: string): AccountBlock | undefined {
  return db.select().from(accountBlocks).where(eq(accountBlocks.accountId, accountId)).get();
}

export const isAccountBlocked = (db: IdentityDb, accountId: string): boolean => accountBlock(db, accountId) !== undefined;
