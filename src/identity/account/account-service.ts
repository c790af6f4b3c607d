// What /account changes, as plain functions over plain values. Each change is ONE synchronous
// transaction with its audit event (events/) and its outbox rows, so all of it commits or none.
import { and, eq, inArray } from "drizzle-orm";
import { changedRows } from "../../db/changed-rows";
import { enqueueEmail } from "../../outbox/enqueue";
import { isUniqueViolation, type Account } from "../accounts/accounts";
import type { IdentityDb } from "../db/database";
import { accounts, deletedAccounts, securityCodes, sessions, trnTokens } from "../db/schema";
import { actor, recordEvent } from "../events/events";
import { maskedChange } from "../events/masking";
import type { JourneyDeps } from "../journey/journey-deps";
import { revokeAccountGrants } from "../oidc/grants";
import type { TeacherLookup } from "../register/records-client";
import type { IdentitySession } from "../sessions/session";
import { emailChangedAfterRecoveryNotice, emailChangedNotice } from "./account-messages";
import { clearPendingChange } from "./pending-changes";

/** /account reads the teacher's official details from records (client credentials, teachers:read). */
export interface AccountDeps extends JourneyDeps {
  findTeacher: TeacherLookup;
}

export type EmailChange = { ok: true } | { ok: false; reason: "in-use" };

/**
 * Makes `newEmail` (its code already checked) the account's address; the old address gets a
 * notice. An address another account has is refused, naming nobody.
 */
export function changeEmail(
  db: IdentityDb,
  input: { account: Account; session: IdentitySession; newEmail: string; supportEmail: string },
  now = Date.now(),
): EmailChange {
  const { account, newEmail } = input;
  try {
    db.transaction((tx) => {
      clearPendingChange(tx, input.session);
      tx.update(accounts).set({ email: newEmail, emailVerified: true, updatedAt: now }).where(eq(accounts.id, account.id)).run();
      // After a recovery the old address is told how: with a code texted to the account's mobile.
      const recovered = input.session.signedInWith === "sms-recovery" && account.phoneNumber !== null;
      const extra = { preferredName: account.preferredName, supportEmail: input.supportEmail };
      enqueueEmail(
        tx,
        recovered
          ? emailChangedAfterRecoveryNotice(account.email, newEmail, now, account.phoneNumber!.slice(-3), extra)
          : emailChangedNotice(account.email, newEmail, now, extra),
        now,
      );
      recordEvent(
        tx,
        { type: "UserUpdated", actor: actor.account(account.id), subject: account.id, payload: { changes: { email: maskedChange("email", account.email, newEmail) } } },
        now,
      );
    });
    return { ok: true };
  } catch (error) {
    // The unique index on accounts.email decides, as the row changes: no race lets two accounts share one.
    if (isUniqueViolation(error, "accounts.email")) return { ok: false, reason: "in-use" };
    throw error;
  }
}

/** A new verified mobile number (E.164), or null to remove it. */
export function changePhone(db: IdentityDb, input: { account: Account; session: IdentitySession; phone: string | null }, now = Date.now()): void {
  const { account, phone } = input;
  db.transaction((tx) => {
    clearPendingChange(tx, input.session);
    tx.update(accounts)
      .set({ phoneNumber: phone, phoneNumberVerified: phone !== null, updatedAt: now })
      .where(eq(accounts.id, account.id))
      .run();
    recordEvent(
      tx,
      {
        type: "UserUpdated",
        actor: actor.account(account.id),
        subject: account.id,
        payload: { changes: { phone_number: maskedChange("phone", account.phoneNumber, phone) } },
      },
      now,
    );
  });
}

export function changePreferredName(db: IdentityDb, input: { account: Account; preferredName: string }, now = Date.now()): void {
  const { account, preferredName } = input;
  if (preferredName === account.preferredName) return;
  db.transaction((tx) => {
    tx.update(accounts).set({ preferredName, updatedAt: now }).where(eq(accounts.id, account.id)).run();
    recordEvent(
      tx,
      {
        type: "UserUpdated",
        actor: actor.account(account.id),
        subject: account.id,
        payload: { changes: { preferred_name: maskedChange("name", account.preferredName, preferredName) } },
      },
      now,
    );
  });
}

/** "Remove access": the client's grants for this account are revoked, so its refresh tokens stop working. */
export function removeClientAccess(db: IdentityDb, input: { accountId: string; clientId: string }, now = Date.now()): number {
  return db.transaction((tx) => {
    const grantsRevoked = revokeAccountGrants(tx, input.accountId, { clientId: input.clientId }, now);
    if (grantsRevoked > 0) {
      recordEvent(
        tx,
        { type: "GrantRevoked", actor: actor.account(input.accountId), subject: input.accountId, payload: { clientId: input.clientId, grantsRevoked } },
        now,
      );
    }
    return grantsRevoked;
  });
}

/** Ends every identity session of the account (this browser's too) and revokes every grant. */
export function signOutEverywhere(db: IdentityDb, accountId: string, now = Date.now()): { sessionsEnded: number; grantsRevoked: number } {
  return db.transaction((tx) => {
    const grantsRevoked = revokeAccountGrants(tx, accountId, {}, now);
    const sessionsEnded = changedRows(tx.delete(sessions).where(eq(sessions.accountId, accountId)).run());
    recordEvent(tx, { type: "SignedOutEverywhere", actor: actor.account(accountId), subject: accountId, payload: { sessionsEnded, grantsRevoked } }, now);
    return { sessionsEnded, grantsRevoked };
  });
}

/**
 * Deletes the account: its personal data goes (the row, its sessions and pending changes, the
 * TRN tokens it consumed, its live security codes), its TRN is free to bind again, and every grant
 * is revoked. A tombstone keeps only the sub and the time, so that sub is never issued again.
 * records' data is not touched.
 */
export function deleteAccount(db: IdentityDb, account: Account, now = Date.now()): void {
  db.transaction((tx) => {
    const grantsRevoked = revokeAccountGrants(tx, account.id, {}, now);
    // The consumed magic links hold the TRN and the invitation's address (found by the TRN's index).
    if (account.trn !== null) tx.delete(trnTokens).where(and(eq(trnTokens.trn, account.trn), eq(trnTokens.accountId, account.id))).run();
    const destinations = [account.email, account.phoneNumber].filter((d): d is string => d !== null);
    tx.delete(securityCodes)
      .where(and(inArray(securityCodes.purpose, securityCodes.purpose.enumValues), inArray(securityCodes.destination, destinations)))
      .run();
    // Sessions and pending changes go with the row (ON DELETE CASCADE).
    tx.delete(accounts).where(eq(accounts.id, account.id)).run();
    tx.insert(deletedAccounts).values({ sub: account.id, deletedAt: now }).run();
    recordEvent(tx, { type: "UserDeleted", actor: actor.account(account.id), subject: account.id, payload: { grantsRevoked, trnUnbound: account.trn !== null } }, now);
  });
}
