// Assigning or removing an account's TRN. Assigning reuses the Users API's bindTrn (checked with
// records first; refused if another account holds the TRN; TrnBound in the same transaction);
// removing writes TrnRemoved. Each event names the staff member and carries their reason.
import { and, eq } from "drizzle-orm";
import { changedRows } from "../../db/changed-rows";
import { findAccountById } from "../accounts/accounts";
import type { IdentityDatabaseFile } from "../db/database";
import { accounts } from "../db/schema";
import { actor, recordEvent } from "../events/events";
import { bindTrn, type BindTrnOutcome, type TeacherCheck } from "../users-api/users-service";
import type { StaffAction } from "./staff";

export function assignTrn(db: IdentityDatabaseFile, teacherExists: TeacherCheck, input: StaffAction & { sub: string; trn: string }): Promise<BindTrnOutcome> {
  return bindTrn(db, teacherExists, { sub: input.sub, trn: input.trn, clientId: null, by: { actor: actor.staff(input.staff.id), reason: input.reason } });
}

export type RemoveTrnOutcome = { kind: "removed"; trn: string } | { kind: "no-account" } | { kind: "no-trn" };

/** Unbinds the account's TRN (it may then be bound to another account). Conditional: only the TRN the page showed. */
export function removeTrn(db: IdentityDatabaseFile, input: StaffAction & { sub: string; trn: string }, now = Date.now()): RemoveTrnOutcome {
  return db.transaction((tx): RemoveTrnOutcome => {
    const account = findAccountById(tx, input.sub);
    if (!account) return { kind: "no-account" };
    const removed = changedRows(
      tx.update(accounts).set({ trn: null, updatedAt: now }).where(and(eq(accounts.id, input.sub), eq(accounts.trn, input.trn))).run(),
    );
    if (removed !== 1) return { kind: "no-trn" };
    recordEvent(tx, { type: "TrnRemoved", actor: actor.staff(input.staff.id), subject: input.sub, payload: { trn: input.trn, reason: input.reason } }, now);
    return { kind: "removed", trn: input.trn };
  });
}
