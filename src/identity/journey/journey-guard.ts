// Reading the browser's journey for a route, and the client IP for rate limits. Every journey's
// routes go through withJourney(), so "no journey" means the same page everywhere.
import type { Server } from "bun";
import { clientIp } from "../../web/client-ip";
import type { JourneyDeps } from "./journey-deps";
import { journeyExpired } from "./journey-pages";
import { readJourney, type Journey } from "./journey-store";

export interface RouteContext {
  request: Request;
  body?: unknown;
  params?: Record<string, string>;
  server?: Server<unknown> | null;
  csrfToken: string;
}

export function currentJourney(deps: Pick<JourneyDeps, "db">, ctx: RouteContext): Journey | undefined {
  return readJourney(deps.db, ctx.request.headers.get("cookie"));
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

/** An Elysia handler that runs `handler` for the browser's journey; without one, the "timed out" page. */
export function withJourney(
  deps: Pick<JourneyDeps, "db" | "brand">,
  handler: (journey: Journey, ctx: RouteContext) => Response | Promise<Response>,
): (c: unknown) => Response | Promise<Response> {
  return (c) => {
    const ctx = c as RouteContext;
    const journey = currentJourney(deps, ctx);
    return journey ? handler(journey, ctx) : journeyExpired(deps.brand);
  };
}
