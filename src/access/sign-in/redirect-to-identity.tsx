// The response that starts a sign-in at identity (from /sign-in or the magic link), or says
// identity cannot be reached.
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import type { BeginResult } from "./sign-in";
import { IdentityUnavailablePage } from "./sign-in-pages";

export function redirectToIdentity(ctx: AccessContext, result: BeginResult): Response {
  if (!result.ok) return htmlResponse(<IdentityUnavailablePage brand={ctx.brand} />, 503);
  const response = new Response(null, { status: 302, headers: { location: result.location, "cache-control": "no-store" } });
  if (result.setCookie) response.headers.append("set-cookie", result.setCookie);
  return response;
}
