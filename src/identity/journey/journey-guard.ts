// Entering a journey, and reading the browser's journey for a route (with the client IP for rate
// limits). Every journey's routes go through here, so "no journey" gets the same answer everywhere:
// a finished journey's repeat lands where the first request did, a browser that refuses cookies is
// told so, and anything else has timed out.
import type { Server } from "bun";
import { clientIp } from "../../web/client-ip";
import { readCookie } from "../../web/cookies";
import { htmlResponse, seeOther } from "../../web/html";
import { finishedJourneyReply } from "./finish-journey";
import type { JourneyDeps } from "./journey-deps";
import { CookiesBlockedPage, journeyExpired, noJourneyHere } from "./journey-pages";
import type { JourneyState } from "./journey-state";
import { journeyCookieName, readJourney, startJourney, type Journey } from "./journey-store";

export interface RouteContext {
  request: Request;
  body?: unknown;
  params?: Record<string, string>;
  server?: Server<unknown> | null;
  csrfToken: string;
}

/**
 * Added to the first page's address when a journey starts: that redirect also sets the journey
 * cookie, so arriving with this and without the cookie means the browser refused it.
 */
export const journeyStartedParam = "started";

/** Starts a journey and sends the browser to its first page, with the cookie and the marker above. */
export function enterJourney(deps: Pick<JourneyDeps, "db" | "secure">, state: JourneyState, firstPage: string): Response {
  const { setCookie } = startJourney(deps.db, state, { secure: deps.secure });
  return seeOther(`${firstPage}?${journeyStartedParam}=1`, { "set-cookie": setCookie });
}

/** The browser's journey while it is under way (not finished, not expired). */
export function currentJourney(deps: Pick<JourneyDeps, "db">, ctx: RouteContext): Journey | undefined {
  const journey = readJourney(deps.db, ctx.request.headers.get("cookie"));
  return journey && !journey.state.finished ? journey : undefined;
}

/** The answer when currentJourney() has none: a finished journey's repeat, cookies refused, or timed out. */
export function noJourney(deps: JourneyDeps, ctx: RouteContext): Response {
  const cookieHeader = ctx.request.headers.get("cookie");
  const journey = readJourney(deps.db, cookieHeader);
  if (journey?.state.finished) return finishedJourneyReply(deps, journey);
  const hasCookie = readCookie(cookieHeader, journeyCookieName) !== undefined;
  if (!hasCookie && queryParam(ctx, journeyStartedParam) !== null) {
    deps.logger.info("journey_cookie_refused", {});
    return htmlResponse(CookiesBlockedPage({ brand: deps.brand }), 400);
  }
  // The cookie outlives its journey (journeyCookieLifetimeMs), so a cookie here means one timed out.
  return hasCookie ? journeyExpired(deps.brand) : noJourneyHere(deps.brand);
}

export function ipOf(deps: Pick<JourneyDeps, "config">, ctx: RouteContext): string {
  return clientIp(ctx.request, ctx.server, deps.config.TRUST_PROXY);
}

/**
 * A query parameter, read from the request URL. Not from Elysia's `query`: Elysia parses it only
 * for handlers it sees using it, and a wrapped handler got an empty one.
 */
export function queryParam(ctx: RouteContext, name: string): string | null {
  return new URL(ctx.request.url).searchParams.get(name);
}

/** An Elysia handler that runs `handler` for the browser's journey; without one, noJourney(). */
export function withJourney(
  deps: JourneyDeps,
  handler: (journey: Journey, ctx: RouteContext) => Response | Promise<Response>,
): (c: unknown) => Response | Promise<Response> {
  return (c) => {
    const ctx = c as RouteContext;
    const journey = currentJourney(deps, ctx);
    return journey ? handler(journey, ctx) : noJourney(deps, ctx);
  };
}

/**
 * A journey's step table, as the guard needs it: whether a step can be shown now, and where the
 * user should be instead. Sign-in and recovery each keep one (sign-in-steps.ts, recovery-steps.ts).
 */
export interface StepTable<Id extends string> {
  path(id: Id): string;
  canReach(id: Id, state: JourneyState): boolean;
  current(state: JourneyState): Id;
}

/** An Elysia handler for one step: the browser's journey, then the table's "can this step be reached". */
export function journeyStepRoute<Id extends string>(
  deps: JourneyDeps,
  table: StepTable<Id>,
  id: Id,
  handler: (journey: Journey, ctx: RouteContext) => Response | Promise<Response>,
): (c: unknown) => Response | Promise<Response> {
  return withJourney(deps, (journey, ctx) => {
    if (!table.canReach(id, journey.state)) return seeOther(table.path(table.current(journey.state)));
    return handler(journey, ctx);
  });
}
