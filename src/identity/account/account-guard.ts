// What every /account page runs first: the browser's identity session and its account (without
// one, a sign-in that comes back to the page), a recent sign-in for the pages that change how the
// account is reached, and a rate limit on every form post.
import { findAccountById, type Account } from "../accounts/accounts";
import { ipOf, type RouteContext } from "../journey/journey-guard";
import { tooManyRequests } from "../rate-limit/rate-limit-pages";
import { hitRateLimits } from "../rate-limit/rate-limit";
import { readSession, type IdentitySession } from "../sessions/session";
import { startSignInReturningTo } from "../sign-in/start-sign-in";
import type { AccountDeps } from "./account-service";

export interface SignedIn {
  account: Account;
  session: IdentitySession;
}

export type AccountHandler = (signedIn: SignedIn, ctx: RouteContext) => Response | Promise<Response>;

/**
 * Changing the email address or mobile number needs a sign-in this recent: a session cookie left
 * on a shared computer must not be enough to take the account over.
 */
export const recentSignInMs = 60 * 60_000;

/** Form posts to /account per account per RATE_LIMIT_WINDOW (codes have their own limits too). */
export const accountPostsPerWindow = 60;

export interface AccountPageOptions {
  /** Where a sign-in started here comes back to (the page's own path). */
  returnTo: string;
  needsRecentSignIn?: boolean;
}

export function accountPage(deps: AccountDeps, options: AccountPageOptions, handler: AccountHandler): (c: unknown) => Response | Promise<Response> {
  return (c) => {
    const ctx = c as RouteContext;
    const now = Date.now();
    const session = readSession(deps.db, ctx.request.headers.get("cookie"), now);
    const account = session ? findAccountById(deps.db, session.accountId) : undefined;
    if (!session || !account) return startSignInReturningTo(deps, options.returnTo);
    if (options.needsRecentSignIn && now - session.authTime > recentSignInMs) {
      deps.logger.info("account_recent_sign_in_needed", { account_id: account.id });
      return startSignInReturningTo(deps, options.returnTo);
    }
    if (ctx.request.method === "POST") {
      const window = deps.config.RATE_LIMIT_WINDOW;
      const limit = hitRateLimits(
        deps.db,
        [
          { key: `account-post:${account.id}`, rule: { limit: accountPostsPerWindow, windowMs: window } },
          { key: `account-post:ip:${ipOf(deps, ctx)}`, rule: { limit: deps.config.CODE_CHECK_LIMIT_PER_IP, windowMs: window } },
        ],
        now,
      );
      if (!limit.allowed) {
        deps.logger.warn("account_posts_rate_limited", { account_id: account.id });
        return tooManyRequests(deps.brand, { retryAt: limit.retryAt, backLink: "/account", what: "You have made too many changes to your account." });
      }
    }
    return handler({ account, session }, ctx);
  };
}
