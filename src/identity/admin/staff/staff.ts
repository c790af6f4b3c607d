// DfE staff who use the support console: their rows, roles, TOTP secret (encrypted) and recovery
// codes (hashed). Used by `teacher-id identity staff ...` and by the console's staff pages.
import { randomBytes, randomUUID } from "node:crypto";
import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import { changedRows } from "../../../db/changed-rows";
import { constantTimeEqual, sha256 } from "../../../security/tokens";
import { normaliseEmail } from "../../accounts/accounts";
import type { IdentityDb } from "../../db/database";
import { staff, staffRecoveryCodes, staffSessions } from "../../db/schema";
import { actor, recordEvent, subject } from "../../events/events";
import { decryptSecret, encryptSecret } from "../../webhooks/subscriptions";

export const staffRoles = ["support", "admin"] as const;
export type StaffRole = (typeof staffRoles)[number];
export type StaffRow = typeof staff.$inferSelect;

export const isStaffRole = (value: unknown): value is StaffRole => staffRoles.includes(value as StaffRole);

export class StaffExistsError extends Error {
  constructor(email: string) {
    super(`There is already a staff member with the email ${email}`);
    this.name = "StaffExistsError";
  }
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isPlausibleEmail = (email: string) => emailPattern.test(email) && email.length <= 254;

/** Who changed staff, for the StaffChanged event: the command line unless said otherwise. */
export interface StaffChangedBy {
  by?: string;
  reason?: string;
}

function staffChanged(tx: IdentityDb, staffId: string, by: StaffChangedBy, payload: Record<string, unknown>, now: number): void {
  const why = by.reason === undefined ? {} : { reason: by.reason };
  recordEvent(tx, { type: "StaffChanged", actor: by.by ?? actor.operator(), subject: subject.staff(staffId), payload: { ...payload, ...why } }, now);
}

export function addStaff(db: IdentityDb, input: { email: string; role: StaffRole }, by: StaffChangedBy = {}, now = Date.now()): StaffRow {
  const email = normaliseEmail(input.email);
  const row: StaffRow = { id: randomUUID(), email, role: input.role, createdAt: now, totpSecretEncrypted: null, totpEnrolledAt: null, lastTotpStep: null };
  const inserted = db.transaction((tx) => {
    const inserted = changedRows(tx.insert(staff).values(row).onConflictDoNothing().run());
    if (inserted) staffChanged(tx, row.id, by, { change: "added", role: row.role }, now);
    return inserted;
  });
  if (!inserted) throw new StaffExistsError(email);
  return row;
}

export const listStaff = (db: IdentityDb): StaffRow[] => db.select().from(staff).orderBy(asc(staff.email)).all();
export const findStaffById = (db: IdentityDb, id: string): StaffRow | undefined => db.select().from(staff).where(eq(staff.id, id)).get();
export const findStaffByEmail = (db: IdentityDb, email: string): StaffRow | undefined =>
  db.select().from(staff).where(eq(staff.email, normaliseEmail(email))).get();

/** Removes the staff member; their sessions and recovery codes go with the row. */
export function removeStaff(db: IdentityDb, id: string, by: StaffChangedBy = {}, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const removed = changedRows(tx.delete(staff).where(eq(staff.id, id)).run()) > 0;
    if (removed) staffChanged(tx, id, by, { change: "removed" }, now);
    return removed;
  });
}

/** A new role takes effect at the staff member's next request (the guard reads it every time). */
export function setStaffRole(db: IdentityDb, id: string, role: StaffRole, by: StaffChangedBy = {}, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const changed = changedRows(tx.update(staff).set({ role }).where(eq(staff.id, id)).run()) > 0;
    if (changed) staffChanged(tx, id, by, { change: "role-set", role }, now);
    return changed;
  });
}

// ---- TOTP (RFC 6238: SHA-1, 6 digits, 30 s, one step either side) ----

export const totpPeriodSeconds = 30;
export const totpIssuer = "Teacher ID support";

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpFor(email: string, secretBase32: string): TOTP {
  return new TOTP({ issuer: totpIssuer, label: email, algorithm: "SHA1", digits: 6, period: totpPeriodSeconds, secret: Secret.fromBase32(secretBase32) });
}

/** The time step a code typed now matches (window: one step either side), or null. */
export function matchingTotpStep(secretBase32: string, typed: string, now: number): number | null {
  const token = typed.replace(/[\s-]/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor("x", secretBase32).validate({ token, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / totpPeriodSeconds) + delta;
}

export const encryptTotpSecret = (key: Buffer, boundTo: string, secret: string) => encryptSecret(key, `staff-totp:${boundTo}`, secret);
export const decryptTotpSecret = (key: Buffer, boundTo: string, stored: string) => decryptSecret(key, `staff-totp:${boundTo}`, stored);

/**
 * Checks a TOTP code for an enrolled staff member and records its step, so the same code (or an
 * older one) never works twice: a conditional update decides, as for every one-time thing here.
 */
export function useTotpCode(db: IdentityDb, key: Buffer, member: StaffRow, typed: string, now = Date.now()): boolean {
  if (!member.totpSecretEncrypted) return false;
  const step = matchingTotpStep(decryptTotpSecret(key, member.id, member.totpSecretEncrypted), typed, now);
  if (step === null) return false;
  const fresh = or(isNull(staff.lastTotpStep), lt(staff.lastTotpStep, step));
  return changedRows(db.update(staff).set({ lastTotpStep: step }).where(and(eq(staff.id, member.id), fresh)).run()) > 0;
}

export const recoveryCodeCount = 10;

/** "abcd-efgh-jkmn" style: 60 bits from an alphabet without look-alikes. */
function newRecoveryCode(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(12);
  let out = "";
  for (let i = 0; i < 12; i++) out += alphabet[bytes[i]! % alphabet.length] + (i === 3 || i === 7 ? "-" : "");
  return out;
}

const normaliseRecoveryCode = (typed: string) => typed.trim().toLowerCase().replace(/[\s-]/g, "");

/** Stores an enrolment: the TOTP secret (encrypted) and 10 new recovery codes (hashed), returned in clear once. */
export function completeEnrolment(db: IdentityDb, key: Buffer, input: { staffId: string; secret: string; step: number }, now = Date.now()): string[] {
  const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
  db.transaction((tx) => {
    tx.update(staff)
      .set({ totpSecretEncrypted: encryptTotpSecret(key, input.staffId, input.secret), totpEnrolledAt: now, lastTotpStep: input.step })
      .where(eq(staff.id, input.staffId))
      .run();
    tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, input.staffId)).run();
    for (const code of codes) tx.insert(staffRecoveryCodes).values({ codeHash: sha256(normaliseRecoveryCode(code)), staffId: input.staffId, createdAt: now }).run();
  });
  return codes;
}

/** Uses one recovery code (once: a conditional update). */
export function useRecoveryCode(db: IdentityDb, staffId: string, typed: string, now = Date.now()): boolean {
  const hash = sha256(normaliseRecoveryCode(typed));
  const row = db.select().from(staffRecoveryCodes).where(and(eq(staffRecoveryCodes.staffId, staffId), eq(staffRecoveryCodes.codeHash, hash))).get();
  if (!row || !constantTimeEqual(row.codeHash, hash)) return false;
  return (
    changedRows(
      db
        .update(staffRecoveryCodes)
        .set({ usedAt: now })
        .where(and(eq(staffRecoveryCodes.codeHash, hash), isNull(staffRecoveryCodes.usedAt)))
        .run(),
    ) > 0
  );
}

export function recoveryCodesLeft(db: IdentityDb, staffId: string): number {
  return db.select().from(staffRecoveryCodes).where(and(eq(staffRecoveryCodes.staffId, staffId), isNull(staffRecoveryCodes.usedAt))).all().length;
}

/** Forgets the TOTP enrolment (a lost phone): the next sign-in enrols again. Ends the staff member's sessions. */
export function resetTotp(db: IdentityDb, staffId: string, by: StaffChangedBy = {}, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const changed = changedRows(tx.update(staff).set({ totpSecretEncrypted: null, totpEnrolledAt: null, lastTotpStep: null }).where(eq(staff.id, staffId)).run());
    tx.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, staffId)).run();
    tx.delete(staffSessions).where(eq(staffSessions.staffId, staffId)).run();
    if (changed) staffChanged(tx, staffId, by, { change: "totp-reset" }, now);
    return changed > 0;
  });
}
