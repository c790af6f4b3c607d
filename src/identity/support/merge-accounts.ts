// Merging two accounts into one: staff choose the survivor. In one transaction: the merged account's
// TRN moves to the survivor (if the survivor has none), its grants are revoked and its sessions end,
// the TRN tokens it consumed point at the survivor, the row goes, and merged_accounts records its sub
// as merged into the survivor (never issued again; a sign-in with its old address is told where it
// went). UserMerged (payload { sub, mergedIntoSub }) reaches webhook subscribers; a moved TRN is a
// TrnBound on the survivor. Refused: an account into itself, and two accounts with different TRNs.
import { eq } from "drizzle-orm";
import { changedRows } from "../../db/changed-rows";
import { attachTrn, findAccountById, type Account } from "../accounts/accounts";
import { mergedEmailHash } from "../accounts/merged-accounts";
import type { IdentityDatabaseFile } from "../db/database";
import { accounts, mergedAccounts, sessions, trnTokens } from "../db/schema";
import { actor, recordEvent, userMerged } from "../events/events";
import { revokeAccountGrants } from "../oidc/grants";
import type { StaffAction } from "./staff";

export type MergeOutcome =
  | { kind: "merged"; survivor: Account; mergedSub: string; trnMoved: string | null; grantsRevoked: number; sessionsEnded: number }
  | { kind: "same-account" }
  | { kind: "no-account"; which: "survivor" | "merged" }
  | { kind: "different-trns"; survivorTrn: string; mergedTrn: string };

/** Why a merge of these two would be refused, or undefined (also checked again inside the transaction). */
export function mergeRefusal(survivor: Account | undefined, merged: Account | undefined): Exclude<MergeOutcome, { kind: "merged" }> | undefined {
  if (!survivor) return { kind: "no-account", which: "survivor" };
  if (!merged) return { kind: "no-account", which: "merged" };
  if (survivor.id === merged.id) return { kind: "same-account" };
  if (survivor.trn !== null && merged.trn !== null && survivor.trn !== merged.trn) {
    return { kind: "different-trns", survivorTrn: survivor.trn, mergedTrn: merged.trn };
  }
  return undefined;
}

export function mergeAccounts(db: IdentityDatabaseFile, input: StaffAction & { survivorSub: string; mergedSub: string }, now = Date.now()): MergeOutcome {
  if (input.survivorSub === input.mergedSub) return { kind: "same-account" };
  return db.transaction((tx): MergeOutcome => {
    const survivor = findAccountById(tx, input.survivorSub);
    const merged = findAccountById(tx, input.mergedSub);
    const refused = mergeRefusal(survivor, merged);
    if (refused || !survivor || !merged) return refused!;
    const by = actor.staff(input.staff.id);
    const grantsRevoked = revokeAccountGrants(tx, merged.id, {}, now);
    const sessionsEnded = changedRows(tx.delete(sessions).where(eq(sessions.accountId, merged.id)).run());
    tx.update(trnTokens).set({ accountId: survivor.id }).where(eq(trnTokens.accountId, merged.id)).run();
    // The TRN is unique across accounts: it leaves the merged row before the survivor takes it.
    const trnMoved = merged.trn !== null && survivor.trn === null ? merged.trn : null;
    if (trnMoved) tx.update(accounts).set({ trn: null }).where(eq(accounts.id, merged.id)).run();
    // Sessions and pending changes go with the row (ON DELETE CASCADE).
    tx.delete(accounts).where(eq(accounts.id, merged.id)).run();
    // Accounts merged into this one earlier now lead to the survivor.
    tx.update(mergedAccounts).set({ mergedIntoSub: survivor.id }).where(eq(mergedAccounts.mergedIntoSub, merged.id)).run();
    tx.insert(mergedAccounts).values({ sub: merged.id, mergedIntoSub: survivor.id, emailHash: mergedEmailHash(merged.email), mergedAt: now }).run();
    recordEvent(
      tx,
      userMerged(by, { sub: merged.id, mergedIntoSub: survivor.id, trnMoved: trnMoved !== null, grantsRevoked, sessionsEnded, reason: input.reason }),
      now,
    );
    if (trnMoved) {
      attachTrn(tx, survivor.id, trnMoved, now);
      recordEvent(tx, { type: "TrnBound", actor: by, subject: survivor.id, payload: { trn: trnMoved, via: "merge", mergedSub: merged.id, reason: input.reason } }, now);
    }
    return { kind: "merged", survivor: findAccountById(tx, survivor.id)!, mergedSub: merged.id, trnMoved, grantsRevoked, sessionsEnded };
  });
}
