// Whether a session the browser already has may answer an authorization request, given the
// request's prompt and max_age (OpenID Connect Core §3.1.2.1). One rule for both places that ask:
// - /authorize: a session that is fresh enough gets a code at once, with no page; otherwise the
//   user goes to /interaction/{id} (or, with prompt=none, the client gets login_required).
// - a journey at /interaction/{id}: whether the session the browser had counts as "signed in", or
//   the teacher must sign in again before the request is completed.
// prompt=login means "sign in again, whatever session exists", so at both places no existing
// session is fresh enough: the teacher signs in during the journey, which then completes it.

/** What a request says about freshness: max_age in seconds (null/undefined: any age will do). */
export interface FreshnessDemand {
  prompt?: "login" | "none" | "create" | null;
  maxAge?: number | null;
}

/** True when a session signed in at `authTime` (ms) may complete a request making `demand` at `now` (ms). */
export function sessionIsFreshEnough(demand: FreshnessDemand, authTime: number, now = Date.now()): boolean {
  if (demand.prompt === "login") return false;
  // Exactly max_age seconds old still counts; one millisecond more does not.
  if (demand.maxAge !== null && demand.maxAge !== undefined && now - authTime > demand.maxAge * 1000) return false;
  return true;
}
