// Accounts support merged into another (src/identity/support/merge-accounts.ts): the merged sub is
// never issued again, and a sign-in with the merged account's old email address is told where the
// account went. Only the address's SHA-256 is kept, never the address.
import { and, desc, eq } from "drizzle-orm";
import { sha256 } from "../../security/tokens";
import type { IdentityDb } from "../db/database";
import { accounts, mergedAccounts } from "../db/schema";
import { findAccountById, normaliseEmail, type Account } from "./accounts";

export const mergedEmailHash = (email: string) => sha256(normaliseEmail(email));

/** The account an address's merged account now lives in (the latest merge of that address), if it still exists. */
export function survivorForMergedEmail(db: IdentityDb, email: string): Account | undefined {
  const row = db
    .select({ into: mergedAccounts.mergedIntoSub })
    .from(mergedAccounts)
    .innerJoin(accounts, eq(accounts.id, mergedAccounts.mergedIntoSub))
    .where(and(eq(mergedAccounts.emailHash, mergedEmailHash(email))))
    .orderBy(desc(mergedAccounts.mergedAt))
    .limit(1)
    .get();
  return row ? findAccountById(db, row.into) : undefined;
}

/** Where a merged sub went (following later merges of the survivor), or undefined for a sub never merged. */
export function mergedInto(db: IdentityDb, sub: string): string | undefined {
  return db.select({ into: mergedAccounts.mergedIntoSub }).from(mergedAccounts).where(eq(mergedAccounts.sub, sub)).get()?.into;
}
