// Pages that need a signed-in teacher call this first. A missing or ended session, or an access
// token past its expiry, sends the browser to sign in again and back to the page it asked for.
import type { AccessContext } from "../context";
import { signInHref } from "./return-to";
import { readSession, type AccessSession } from "./session";

export function requireSession(
  ctx: AccessContext,
  request: Request,
): { session: AccessSession; response?: undefined } | { session?: undefined; response: Response } {
  const session = readSession(ctx.db, request.headers.get("cookie"));
  if (session && session.accessTokenExpiresAt > Date.now()) return { session };
  return { response: signInAgain(new URL(request.url).pathname) };
}

export function signInAgain(path: string): Response {
  return new Response(null, { status: 302, headers: { location: signInHref(path), "cache-control": "no-store" } });
}
