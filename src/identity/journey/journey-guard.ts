// Reading the browser's journey for a route, and the client IP for rate limits.
import type { Server } from "bun";
import { clientIp } from "../../web/client-ip";
import type { JourneyDeps } from "./journey-deps";
import { readJourney, type Journey } from "./journey-store";

export interface RouteContext {
  request: Request;
  body?: unknown;
  params?: Record<string, string>;
  server?: Server<unknown> | null;
  csrfToken: string;
}

export function currentJourney(deps: JourneyDeps, ctx: RouteContext): Journey | undefined {
  return readJourney(deps.db, ctx.request.headers.get("cookie"));
}

export function ipOf(deps: JourneyDeps, ctx: RouteContext): string {
  return clientIp(ctx.request, ctx.server, deps.config.TRUST_PROXY);
}

/**
 * A query parameter, read from the request URL. Not from Elysia's `query`: Elysia parses it only
 * for handlers it sees using it, and a handler wrapped by step() got an empty one.
 */
export function queryParam(ctx: RouteContext, name: string): string | null {
  return new URL(ctx.request.url).searchParams.get(name);
}
