// Who is signed in to the support console, and the check every console route runs first.
//
// Staff sessions are rows of staff_sessions (stage "signed-in"), named by the cookie
// identity_admin (Path=/admin; `__Secure-identity_admin` under https). They last 8 hours at most and
// end after 30 idle minutes. A teacher's identity_session is another table and another cookie: it
// is never a staff session, and a staff session never signs a teacher in.
//
// For other console features (support-ops): a route plugin takes a `ResolveStaff`, i.e.
// `(request: Request) => StaffMember | null`, and identity's service mounts it with
// `adminRoutes(deps, [yourPlugin(resolveStaff)])`. Check the role yourself with `mayAct`.
import { and, eq, gt } from "drizzle-orm";
import { clientIp } from "../../web/client-ip";
import { cookieName, readCookie, serializeCookie, clearCookie } from "../../web/cookies";
import { sha256 } from "../../security/tokens";
import type { IdentityDatabaseFile } from "../db/database";
import { staff, staffSessions } from "../db/schema";
import type { AdminDeps } from "./admin-deps";

export type StaffRole = "support" | "admin";
export type StaffMember = { id: string; email: string; role: StaffRole };
export type ResolveStaff = (request: Request) => StaffMember | null;

export const staffCookieName = "identity_admin";
export const staffCookiePath = "/admin";
/** However active, a staff session ends this long after sign-in. */
export const staffSessionLifetimeMs = 8 * 60 * 60_000;
/** A staff session not used for this long ends. */
export const staffIdleTimeoutMs = 30 * 60_000;

/** Whether a staff member with `role` may use a route that needs `needs` (admin includes support). */
export function mayAct(role: StaffRole, needs: StaffRole): boolean {
  return needs === "support" || role === "admin";
}

/** The id (hash) of the console cookie the request carries, whatever its stage. */
export function staffCookieHash(request: Request, secure: boolean): string | null {
  const id = readCookie(request.headers.get("cookie"), cookieName(staffCookieName, secure, staffCookiePath));
  return id ? sha256(id) : null;
}

export function staffCookie(id: string, secure: boolean): string {
  return serializeCookie(staffCookieName, id, { secure, path: staffCookiePath });
}

export function clearStaffCookie(secure: boolean): string {
  return clearCookie(staffCookieName, { secure, path: staffCookiePath });
}

/**
 * The signed-in staff member, or null: a live session (within 8 hours of sign-in and 30 minutes of
 * its last request) at stage "signed-in", whose staff member still exists (the role is read now, so
 * a changed role counts at once). A request that finds one counts as activity.
 */
export function readStaffSession(db: IdentityDatabaseFile, request: Request, options: { secure: boolean; now: number }): (StaffMember & { sessionIdHash: string }) | null {
  const idHash = staffCookieHash(request, options.secure);
  if (!idHash) return null;
  const { now } = options;
  const row = db
    .select({ id: staff.id, email: staff.email, role: staff.role, lastSeenAt: staffSessions.lastSeenAt })
    .from(staffSessions)
    .innerJoin(staff, eq(staff.id, staffSessions.staffId))
    .where(and(eq(staffSessions.idHash, idHash), eq(staffSessions.stage, "signed-in"), gt(staffSessions.expiresAt, now)))
    .get();
  if (!row) return null;
  if (now - row.lastSeenAt >= staffIdleTimeoutMs) {
    db.delete(staffSessions).where(eq(staffSessions.idHash, idHash)).run();
    return null;
  }
  db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.idHash, idHash)).run();
  return { id: row.id, email: row.email, role: row.role, sessionIdHash: idHash };
}

/** The resolver other console features take: `(request) => StaffMember | null`. */
export function staffResolver(deps: Pick<AdminDeps, "db" | "secure" | "now">): ResolveStaff {
  return (request) => {
    const found = readStaffSession(deps.db, request, { secure: deps.secure, now: deps.now() });
    return found ? { id: found.id, email: found.email, role: found.role } : null;
  };
}

/** Whether the request's client address may reach /admin (ADMIN_ALLOWED_IPS). */
export function addressAllowed(deps: Pick<AdminDeps, "allowedIps" | "config">, request: Request, server: Parameters<typeof clientIp>[1]): boolean {
  if (!deps.allowedIps) return true;
  return deps.allowedIps(clientIp(request, server, deps.config.TRUST_PROXY));
}
