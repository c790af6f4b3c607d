// /interaction/{requestId}: where /authorize sends a browser that must sign in or register. It
// starts the journey (a server-side state and an identity_journey cookie) and picks its first page.
// Opening it changes nothing but that: a mail scanner fetching the link consumes no token.
import { Elysia } from "elysia";
import { findTrnToken, tokenStatus } from "../register/trn-token-binding";
import { BindFailurePage, NewLinkSentPage, TokenExpiredPage } from "../register/register-pages";
import { sendNewLink } from "../register/register-service";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { readSession } from "../sessions/session";
import { readNewLinkRequest, readPendingRequest, wantsTrn } from "./authorization-request";
import { ipOf, type RouteContext } from "./journey-guard";
import type { JourneyDeps } from "./journey-deps";
import { RequestExpiredPage, tooManyRequests } from "./journey-pages";
import { startJourney } from "./journey-store";
import { pageResponse, seeOtherWithCookies } from "./http";

export function interactionRoutes(deps: JourneyDeps) {
  const { brand, db } = deps;

  const pending = (ctx: RouteContext) => {
    const request = readPendingRequest(db, ctx.params?.requestId ?? "");
    if (!request) {
      const signedIn = readSession(db, ctx.request.headers.get("cookie")) !== null;
      return { error: pageResponse(<RequestExpiredPage brand={brand} signedIn={signedIn} />, { status: 400 }) };
    }
    return { request };
  };

  const startSignIn = (requestId: string) => {
    const { setCookie } = startJourney(db, { requestId }, { secure: deps.secure });
    return seeOtherWithCookies("/sign-in", [setCookie]);
  };

  return new Elysia({ name: "identity-interaction" })
    .get("/interaction/:requestId", (c) => {
      const ctx = c as unknown as RouteContext;
      const { request, error } = pending(ctx);
      if (!request) return error;
      if (!request.trnTokenHash || !wantsTrn(request)) return startSignIn(request.id);
      const token = findTrnToken(db, request.trnTokenHash);
      const status = tokenStatus(token);
      if (status === "unknown")
        return pageResponse(<BindFailurePage brand={brand} failure={{ kind: "unknown" }} requestId={request.id} />, { status: 404 });
      if (status === "used")
        return pageResponse(<BindFailurePage brand={brand} failure={{ kind: "used" }} requestId={request.id} />, { status: 410 });
      if (status === "expired")
        return pageResponse(<TokenExpiredPage brand={brand} csrfToken={ctx.csrfToken} requestId={request.id} />, { status: 410 });
      const { setCookie } = startJourney(
        db,
        { requestId: request.id, registration: { trnTokenHash: token!.tokenHash, trn: token!.trn, email: token!.email } },
        { secure: deps.secure },
      );
      return seeOtherWithCookies("/register", [setCookie]);
    })
    .get("/interaction/:requestId/sign-in", (c) => {
      const ctx = c as unknown as RouteContext;
      const { request, error } = pending(ctx);
      if (!request) return error;
      return startSignIn(request.id);
    })
    .post("/interaction/:requestId/new-link", (c) => {
      const ctx = c as unknown as RouteContext;
      const request = readNewLinkRequest(db, ctx.params?.requestId ?? "");
      const limit = hitRateLimit(db, `send:ip:${ipOf(deps, ctx)}`, {
        limit: deps.config.CODE_SEND_LIMIT_PER_IP,
        windowMs: deps.config.RATE_LIMIT_WINDOW,
      });
      if (!limit.allowed) return tooManyRequests(brand, { retryAt: limit.resetAt, backLink: "/", what: "You have asked for too many new links." });
      if (request?.trnTokenHash) {
        sendNewLink(deps, { tokenHash: request.trnTokenHash, initiateLoginUri: request.initiateLoginUri });
        deps.nudgeOutbox();
      }
      // The same reply for every token, valid or not.
      return pageResponse(<NewLinkSentPage brand={brand} />);
    });
}
