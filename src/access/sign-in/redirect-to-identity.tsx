// The response that starts a sign-in at identity (from /sign-in or the magic link), or says
// identity cannot be reached, or that this address has started too many sign-ins.
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import type { BeginResult } from "./sign-in";
import { IdentityUnavailablePage, TooManySignInsPage } from "./sign-in-pages";

export function redirectToIdentity(ctx: AccessContext, result: BeginResult): Response {
  if (!result.ok && result.reason === "rate_limited") {
    const retryAfter = String(Math.max(1, Math.ceil((result.retryAt - Date.now()) / 1000)));
    return htmlResponse(<TooManySignInsPage brand={ctx.brand} retryAt={result.retryAt} />, 429, { "retry-after": retryAfter });
  }
  if (!result.ok) return htmlResponse(<IdentityUnavailablePage brand={ctx.brand} />, 503);
  const response = new Response(null, { status: 302, headers: { location: result.location, "cache-control": "no-store" } });
  if (result.setCookie) response.headers.append("set-cookie", result.setCookie);
  return response;
}
