// GET /sign-in, GET /create-account (the same, asking identity for a new account: prompt=create), GET /sign-in/callback. (The magic link, GET /register, is in ../register.)
import { Elysia } from "elysia";
import { clientIp } from "../../web/client-ip";
import { readCookie } from "../../web/cookies";
import { htmlResponse, seeOther } from "../../web/html";
import type { AccessContext } from "../context";
import { singleQueryParam } from "../query-param";
import { readSession } from "../sessions/session";
import { loginCookieName } from "./login-attempts";
import { redirectToIdentity } from "./redirect-to-identity";
import { safeReturnTo } from "../sessions/return-to";
import { beginSignIn, completeSignIn } from "./sign-in";
import { IdentityUnavailablePage, SignInProblemPage } from "./sign-in-pages";

export function signInRoutes(ctx: AccessContext) {
  return new Elysia({ name: "access-sign-in" })
    .get("/sign-in", async ({ query, request, server }) => {
      const ip = clientIp(request, server, ctx.config.TRUST_PROXY);
      return redirectToIdentity(ctx, await beginSignIn(ctx, { cookieHeader: request.headers.get("cookie"), returnTo: safeReturnTo(query.return_to), ip }));
    })
    // "Create an account without a link" at identity (prompt=create), then back to the qualifications.
    .get("/create-account", async ({ request, server }) => {
      const ip = clientIp(request, server, ctx.config.TRUST_PROXY);
      return redirectToIdentity(ctx, await beginSignIn(ctx, { cookieHeader: request.headers.get("cookie"), returnTo: "/qualifications", ip, create: true }));
    })
    .get("/sign-in/callback", async ({ request }) => {
      const cookieHeader = request.headers.get("cookie");
      const result = await completeSignIn(ctx, {
        cookieHeader,
        code: singleQueryParam(request, "code"),
        state: singleQueryParam(request, "state"),
        iss: singleQueryParam(request, "iss"),
        error: singleQueryParam(request, "error"),
        browserId: readCookie(cookieHeader, loginCookieName),
      });
      if (result.ok) return seeOther(result.returnTo, { "set-cookie": result.setCookie });
      if (result.problem === "identity_unavailable") return htmlResponse(<IdentityUnavailablePage brand={ctx.brand} />, 503);
      const signedIn = readSession(ctx.db, cookieHeader) !== null;
      return htmlResponse(<SignInProblemPage brand={ctx.brand} problem={result.problem} signedIn={signedIn} viaTrnToken={result.viaTrnToken} />, result.status);
    });
}
