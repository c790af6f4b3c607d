// What every support console route runs first (the guard): the client address (ADMIN_ALLOWED_IPS),
// the signed-in staff member and their role, checked on the server for every request, and a rate
// limit per staff member on every form post. Signed out (or a teacher's session, which is never a
// staff session): a GET goes to the sign-in page, a POST is refused (403). A `support` member on an
// admin route: 403. Every answer is `Cache-Control: no-store`.
import { htmlResponse, seeOther } from "../../web/html";
import { clientIp } from "../../web/client-ip";
import type { RouteContext } from "../journey/journey-guard";
import { tooManyRequests } from "../rate-limit/rate-limit-pages";
import { hitRateLimits } from "../rate-limit/rate-limit";
import type { AdminDeps } from "./admin-deps";
import { consoleBrand, ForbiddenPage } from "./admin-layout";
import { addressAllowed, mayAct, readStaffSession, type StaffMember, type StaffRole } from "./staff-guard";

export interface SignedInStaff extends StaffMember {
  sessionIdHash: string;
}

export type ConsoleHandler = (member: SignedInStaff, ctx: RouteContext) => Response | Promise<Response>;
export type PublicHandler = (ctx: RouteContext) => Response | Promise<Response>;

/** Form posts per staff member per RATE_LIMIT_WINDOW. */
export const staffPostsPerWindow = 120;
/** Searches per staff member per RATE_LIMIT_WINDOW. */
export const staffSearchesPerWindow = 120;

export const signInPath = "/admin/sign-in";

export function noStore(response: Response): Response {
  response.headers.set("cache-control", "no-store");
  return response;
}

export function addressRefused(deps: AdminDeps): Response {
  return htmlResponse(ForbiddenPage({ brand: deps.brand, member: null, message: "The support console cannot be reached from your network." }), 403);
}

export function staffIp(deps: AdminDeps, ctx: RouteContext): string {
  return clientIp(ctx.request, ctx.server, deps.config.TRUST_PROXY);
}

/** A console route for staff with `needs` (support: any staff member; admin: admins only). */
export function consoleRoute(deps: AdminDeps, needs: StaffRole, handler: ConsoleHandler): (c: unknown) => Promise<Response> {
  return async (c) => {
    const ctx = c as RouteContext;
    if (!addressAllowed(deps, ctx.request, ctx.server)) return noStore(addressRefused(deps));
    const now = deps.now();
    const member = readStaffSession(deps.db, ctx.request, { secure: deps.secure, now });
    const isPost = ctx.request.method === "POST";
    if (!member) {
      if (!isPost) return noStore(seeOther(signInPath));
      deps.logger.warn("admin_refused", { reason: "signed-out" });
      return noStore(htmlResponse(ForbiddenPage({ brand: deps.brand, member: null, message: "Sign in to the support console first." }), 403));
    }
    if (!mayAct(member.role, needs)) {
      deps.logger.warn("admin_refused", { staff_id: member.id, reason: "role" });
      return noStore(htmlResponse(ForbiddenPage({ brand: deps.brand, member, message: "Only admins can use this page." }), 403));
    }
    if (isPost) {
      const limit = hitRateLimits(deps.db, [{ key: `admin-post:${member.id}`, rule: { limit: staffPostsPerWindow, windowMs: deps.config.RATE_LIMIT_WINDOW } }], now);
      if (!limit.allowed) {
        deps.logger.warn("admin_posts_rate_limited", { staff_id: member.id });
        return noStore(tooManyRequests(consoleBrand(deps.brand), { retryAt: limit.retryAt, backLink: "/admin", what: "You have made too many changes in a short time." }, now));
      }
    }
    return noStore(await handler(member, ctx));
  };
}

/** A page anyone may open (the sign-in pages): only the address check. */
export function publicConsoleRoute(deps: AdminDeps, handler: PublicHandler): (c: unknown) => Promise<Response> {
  return async (c) => {
    const ctx = c as RouteContext;
    if (!addressAllowed(deps, ctx.request, ctx.server)) return noStore(addressRefused(deps));
    return noStore(await handler(ctx));
  };
}
