// Signing staff in to the support console: an email code (the same codes, limits and lifetimes as
// teachers' sign-in), then a TOTP code from their authenticator app (enrolled at the first sign-in,
// with 10 recovery codes), or one recovery code. The state lives in staff_sessions; the browser
// holds only a random id. Each stage gets a new id, so an id seen before the second factor is
// never the signed-in session's.
import { and, eq, gt, lt, or } from "drizzle-orm";
import { randomToken, sha256 } from "../../../security/tokens";
import { staffSessions } from "../../db/schema";
import type { AdminDeps } from "../admin-deps";
import { staffCookie, staffCookieHash, staffIdleTimeoutMs, staffSessionLifetimeMs } from "../staff-guard";
import { findStaffById, type StaffRow } from "../staff/staff";

export type SignInStage = (typeof staffSessions.$inferSelect)["stage"];
export type PendingSignIn = typeof staffSessions.$inferSelect;

/** A sign-in must be finished this soon after the email code was asked for. */
export const pendingSignInLifetimeMs = 15 * 60_000;

/** Starts (or restarts) a sign-in at the email-code stage; returns the Set-Cookie. */
export function startStaffSignIn(deps: AdminDeps, input: { email: string; staffId: string | null; codeId: string }, previousHash: string | null): string {
  const now = deps.now();
  const id = randomToken();
  deps.db.transaction((tx) => {
    if (previousHash) tx.delete(staffSessions).where(eq(staffSessions.idHash, previousHash)).run();
    // Sign-ins given up and sessions ended by time go here (few rows: staff are few).
    tx.delete(staffSessions).where(or(lt(staffSessions.expiresAt, now), lt(staffSessions.lastSeenAt, now - staffIdleTimeoutMs))).run();
    tx.insert(staffSessions)
      .values({ idHash: sha256(id), staffId: input.staffId, email: input.email, stage: "email-code", codeId: input.codeId, createdAt: now, expiresAt: now + pendingSignInLifetimeMs, lastSeenAt: now })
      .run();
  });
  return staffCookie(id, deps.secure);
}

/** The browser's sign-in under way at `stage`, or undefined. */
export function pendingSignIn(deps: AdminDeps, request: Request, stages: SignInStage[]): PendingSignIn | undefined {
  const idHash = staffCookieHash(request, deps.secure);
  if (!idHash) return undefined;
  const row = deps.db.select().from(staffSessions).where(and(eq(staffSessions.idHash, idHash), gt(staffSessions.expiresAt, deps.now()))).get();
  return row && stages.includes(row.stage) ? row : undefined;
}

/**
 * Moves the sign-in on to `stage` under a new id (the old row goes); "signed-in" starts the
 * 8-hour session. Returns the Set-Cookie.
 */
export function advanceSignIn(deps: AdminDeps, pending: PendingSignIn, stage: SignInStage, extra: { pendingTotpSecret?: string | null } = {}): string {
  const now = deps.now();
  const id = randomToken();
  const idHash = sha256(id);
  deps.db.transaction((tx) => {
    tx.delete(staffSessions).where(eq(staffSessions.idHash, pending.idHash)).run();
    tx.insert(staffSessions)
      .values({
        idHash,
        staffId: pending.staffId,
        email: pending.email,
        stage,
        codeId: null,
        pendingTotpSecret: extra.pendingTotpSecret ?? null,
        createdAt: now,
        expiresAt: now + (stage === "signed-in" ? staffSessionLifetimeMs : pendingSignInLifetimeMs),
        lastSeenAt: now,
      })
      .run();
  });
  return staffCookie(id, deps.secure);
}

export function staffOf(deps: AdminDeps, pending: PendingSignIn): StaffRow | undefined {
  return pending.staffId ? findStaffById(deps.db, pending.staffId) : undefined;
}

export function endStaffSession(deps: AdminDeps, idHash: string): void {
  deps.db.delete(staffSessions).where(eq(staffSessions.idHash, idHash)).run();
}
