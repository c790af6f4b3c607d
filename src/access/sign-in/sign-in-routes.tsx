// GET /register?trn_token= (the magic link, seed step 5), GET /sign-in, GET /sign-in/callback.
import { Elysia } from "elysia";
import { clientIp } from "../../web/client-ip";
import { readCookie } from "../../web/cookies";
import { htmlResponse, seeOther } from "../../web/html";
import type { AccessContext } from "../context";
import { readSession } from "../sessions/session";
import { loginCookieName } from "./login-attempts";
import { defaultReturnTo, safeReturnTo } from "./return-to";
import { beginSignIn, completeSignIn, trnTokenPattern, type BeginResult } from "./sign-in";
import { IdentityUnavailablePage, InvalidLinkPage, SignInProblemPage, TooManySignInsPage } from "./sign-in-pages";

/** A query parameter given exactly once; a repeated one counts as absent (and so is refused). */
const one = (request: Request, name: string): string | undefined => {
  const values = new URL(request.url).searchParams.getAll(name);
  return values.length === 1 ? values[0] : undefined;
};

export function signInRoutes(ctx: AccessContext) {
  const toIdentity = (result: BeginResult): Response => {
    if (!result.ok && result.reason === "rate_limited") {
      const retryAfter = String(Math.max(1, Math.ceil((result.retryAt - Date.now()) / 1000)));
      return htmlResponse(<TooManySignInsPage brand={ctx.brand} retryAt={result.retryAt} />, 429, { "retry-after": retryAfter });
    }
    if (!result.ok) return htmlResponse(<IdentityUnavailablePage brand={ctx.brand} />, 503);
    const response = new Response(null, { status: 302, headers: { location: result.location, "cache-control": "no-store" } });
    if (result.setCookie) response.headers.append("set-cookie", result.setCookie);
    return response;
  };

  return new Elysia({ name: "access-sign-in" })
    .get("/register", async ({ request, server }) => {
      const trnToken = one(request, "trn_token");
      if (trnToken === undefined || !trnTokenPattern.test(trnToken)) {
        ctx.log.warn("magic_link_malformed", { present: trnToken !== undefined, length: trnToken?.length ?? 0 });
        return htmlResponse(<InvalidLinkPage brand={ctx.brand} />, 400);
      }
      // Opening the link only starts a sign-in: the token is consumed by identity, on a form POST.
      const ip = clientIp(request, server, ctx.config.TRUST_PROXY);
      return toIdentity(await beginSignIn(ctx, { cookieHeader: request.headers.get("cookie"), returnTo: defaultReturnTo, trnToken, ip }));
    })
    .get("/sign-in", async ({ query, request, server }) => {
      const ip = clientIp(request, server, ctx.config.TRUST_PROXY);
      return toIdentity(await beginSignIn(ctx, { cookieHeader: request.headers.get("cookie"), returnTo: safeReturnTo(query.return_to), ip }));
    })
    .get("/sign-in/callback", async ({ request }) => {
      const cookieHeader = request.headers.get("cookie");
      const result = await completeSignIn(ctx, {
        cookieHeader,
        code: one(request, "code"),
        state: one(request, "state"),
        iss: one(request, "iss"),
        error: one(request, "error"),
        browserId: readCookie(cookieHeader, loginCookieName),
      });
      if (result.ok) return seeOther(result.returnTo, { "set-cookie": result.setCookie });
      if (result.problem === "identity_unavailable") return htmlResponse(<IdentityUnavailablePage brand={ctx.brand} />, 503);
      const signedIn = readSession(ctx.db, cookieHeader) !== null;
      return htmlResponse(<SignInProblemPage brand={ctx.brand} problem={result.problem} signedIn={signedIn} viaTrnToken={result.viaTrnToken} />, result.status);
    });
}
