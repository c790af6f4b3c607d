// GET /sign-out (confirm), POST /sign-out (end the session here, then RP-initiated logout at
// identity), GET /signed-out (where identity sends the browser back).
import { Elysia } from "elysia";
import { randomToken } from "../../security/tokens";
import { htmlResponse, seeOther } from "../../web/html";
import type { AccessContext } from "../context";
import { destroySession, readSession } from "../sessions/session";
import { SignedOutPage, SignOutPage } from "./sign-out-pages";

export function signOutRoutes(ctx: AccessContext) {
  return new Elysia({ name: "access-sign-out" })
    .get("/sign-out", (context) => {
      if (!readSession(ctx.db, context.request.headers.get("cookie"))) return seeOther("/signed-out");
      // csrfToken comes from the base app's global derive (src/web/create-service-app.tsx).
      const { csrfToken } = context as typeof context & { csrfToken: string };
      return htmlResponse(<SignOutPage brand={ctx.brand} csrfToken={csrfToken} />);
    })
    .post("/sign-out", async ({ request }) => {
      const cookieHeader = request.headers.get("cookie");
      const session = readSession(ctx.db, cookieHeader);
      const clearCookie = destroySession(ctx.db, cookieHeader, ctx.secure);
      if (!session) return seeOther("/signed-out", { "set-cookie": clearCookie });
      ctx.log.info("signed_out", { sub: session.sub });
      let endSession: string | undefined;
      try {
        endSession = (await ctx.identity()).metadata.end_session_endpoint;
      } catch (error) {
        // Signed out here at least; identity's session ends when it expires.
        ctx.log.warn("end_session_unavailable", { error: error as Error });
      }
      if (!endSession) return seeOther("/signed-out", { "set-cookie": clearCookie });
      const url = new URL(endSession);
      url.searchParams.set("id_token_hint", session.idToken);
      url.searchParams.set("client_id", ctx.clientCredentials().clientId);
      url.searchParams.set("post_logout_redirect_uri", ctx.signedOutUrl);
      url.searchParams.set("state", randomToken(16));
      return seeOther(url.toString(), { "set-cookie": clearCookie });
    })
    .get("/signed-out", () =>
      htmlResponse(<SignedOutPage brand={ctx.brand} />, 200, { "set-cookie": destroySession(ctx.db, null, ctx.secure) }),
    );
}
