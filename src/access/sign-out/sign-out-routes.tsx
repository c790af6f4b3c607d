// Signing out: of access and, through RP-initiated logout, of identity.
//
// GET /sign-out (the "Sign out" link) sends the browser to identity's end-session endpoint with
// client_id, logout_hint (the teacher's `sub`), post_logout_redirect_uri and a fresh `state`. Not
// the ID token as id_token_hint: it holds the teacher's email, TRN, names and date of birth, and
// this address is kept in browser history and proxy logs. identity asks the teacher to
// confirm (its own CSRF-protected form), then returns to GET /signed-out?state=..., which ends the
// access session only when `state` is the one this session sent. So one confirmation, and another
// site cannot sign a teacher out by linking to either address.
// POST /sign-out (CSRF-protected form, shown when identity cannot be reached) ends the access
// session at once and then tries identity.
import { Elysia } from "elysia";
import { htmlResponse, seeOther } from "../../web/html";
import type { AccessContext } from "../context";
import { destroySession, isLogoutReturn, readSession, startLogout, type AccessSession } from "../sessions/session";
import { SignedOutPage, SignOutPage } from "./sign-out-pages";

/** On /signed-out: access signed the teacher out, but could not reach Teacher ID to do the same. */
const notReachedParam = "teacher_id=not_reached";

export function signOutRoutes(ctx: AccessContext) {
  /** identity's end-session address for this session, or undefined when identity cannot be reached. */
  const endSessionUrl = async (session: AccessSession, state?: string): Promise<string | undefined> => {
    let endpoint: string | undefined;
    try {
      endpoint = (await ctx.identity()).metadata.end_session_endpoint;
    } catch (error) {
      ctx.log.warn("end_session_unavailable", { error: error as Error });
      return undefined;
    }
    if (!endpoint) return undefined;
    // The discovery document is cached: ask identity now, so a teacher is never sent to a page that
    // will not load (they are told they are signed out of access only, and how to leave Teacher ID).
    if (!(await ctx.identity.reachable())) {
      ctx.log.warn("end_session_unavailable", { reason: "identity_unreachable" });
      return undefined;
    }
    const url = new URL(endpoint);
    url.searchParams.set("client_id", ctx.clientCredentials().clientId);
    url.searchParams.set("logout_hint", session.sub);
    url.searchParams.set("post_logout_redirect_uri", ctx.signedOutUrl);
    if (state) url.searchParams.set("state", state);
    return url.toString();
  };
  const csrfOf = (context: object) => (context as { csrfToken: string }).csrfToken;
  const identityUrl = ctx.config.urls.identity;

  return new Elysia({ name: "access-sign-out" })
    .get("/sign-out", async (context) => {
      const session = readSession(ctx.db, context.request.headers.get("cookie"));
      if (!session) return seeOther("/signed-out");
      const location = await endSessionUrl(session, startLogout(ctx.db, session));
      // identity is down: sign out of access here, with our own confirmation form.
      if (!location) return htmlResponse(<SignOutPage brand={ctx.brand} csrfToken={csrfOf(context)} identityUrl={identityUrl} identityUnreachable />);
      ctx.log.info("sign_out_started", { sub: session.sub });
      return seeOther(location);
    })
    .post("/sign-out", async ({ request }) => {
      const cookieHeader = request.headers.get("cookie");
      const session = readSession(ctx.db, cookieHeader);
      const clearCookie = destroySession(ctx.db, cookieHeader, ctx.secure);
      if (!session) return seeOther("/signed-out", { "set-cookie": clearCookie });
      ctx.log.info("signed_out", { sub: session.sub, at_identity: "attempted" });
      return seeOther((await endSessionUrl(session)) ?? `/signed-out?${notReachedParam}`, { "set-cookie": clearCookie });
    })
    .get("/signed-out", (context) => {
      const cookieHeader = context.request.headers.get("cookie");
      const session = readSession(ctx.db, cookieHeader);
      const query = new URL(context.request.url).searchParams;
      if (!session) {
        const teacherId = query.has(notReachedParam.split("=")[0]) ? "not-reached" : "unknown";
        return htmlResponse(<SignedOutPage brand={ctx.brand} teacherId={teacherId} identityUrl={identityUrl} />);
      }
      const states = query.getAll("state");
      if (states.length === 1 && isLogoutReturn(session, states[0])) {
        ctx.log.info("signed_out", { sub: session.sub, at_identity: true });
        return htmlResponse(<SignedOutPage brand={ctx.brand} teacherId="signed-out" identityUrl={identityUrl} />, 200, {
          "set-cookie": destroySession(ctx.db, cookieHeader, ctx.secure),
        });
      }
      // Not identity answering our sign-out (a stale or forged link): ask before signing out.
      return htmlResponse(<SignOutPage brand={ctx.brand} csrfToken={csrfOf(context)} identityUrl={identityUrl} identityUnreachable={false} />);
    });
}
