// /interaction/{requestId}: where /authorize sends a browser that must sign in or register (the
// hand-off's "this authorization request needs an account"). It picks the journey: registration
// when the request carries a TRN token and asks for the TRN, "Create an account without a link"
// when the client asked for it (prompt=create), otherwise sign-in.
// Opening it changes nothing but that: a mail scanner fetching the link consumes no token.
// Each opening starts a journey (a row), so journeys are limited per client IP (issue 11, item 9).
import { Elysia } from "elysia";
import { htmlResponse } from "../../web/html";
import { ipOf, type RouteContext } from "../journey/journey-guard";
import { RequestExpiredPage } from "../journey/journey-pages";
import { readAccountRequest, type AccountRequest } from "../oidc/hand-off";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { tooManyRequests, tooManyStarts } from "../rate-limit/rate-limit-pages";
import type { RegisterDeps } from "../register/register-service";
import { startRegistration } from "../register/start-registration";
import { readSession } from "../sessions/session";
import { startSignIn } from "../sign-in/start-sign-in";
import { startFindRecord } from "../find-record/start-find-record";

export function interactionRoutes(deps: RegisterDeps) {
  const { brand, db } = deps;

  /**
   * The request, or the "start again" page when it is unknown, expired or already completed; a
   * journey is started for it only within the client IP's limit.
   */
  const withRequest = (handler: (request: AccountRequest, ctx: RouteContext) => Response) => (c: unknown) => {
    const ctx = c as RouteContext;
    const request = readAccountRequest(db, ctx.params?.requestId ?? "");
    if (request) {
      const rule = { limit: deps.config.JOURNEY_LIMIT_PER_IP, windowMs: deps.config.RATE_LIMIT_WINDOW };
      const limit = hitRateLimit(db, `journey:ip:${ipOf(deps, ctx)}`, rule);
      if (!limit.allowed) {
        deps.logger.warn("journey_rate_limited", {});
        return tooManyRequests(brand, { retryAt: limit.retryAt, what: tooManyStarts });
      }
      return handler(request, ctx);
    }
    const signedIn = readSession(db, ctx.request.headers.get("cookie")) !== null;
    return htmlResponse(<RequestExpiredPage brand={brand} signedIn={signedIn} />, 400);
  };

  return new Elysia({ name: "identity-interaction" })
    .get(
      "/interaction/:requestId",
      withRequest((request, ctx) => {
        const { trnTokenHash } = request;
        if (trnTokenHash && request.wantsTrn) return startRegistration(deps, { ...request, trnTokenHash }, ctx);
        // prompt=create: the client's "Create an account without a link".
        if (request.prompt === "create") return startFindRecord(deps, request.id);
        return startSignIn(deps, request.id);
      }),
    )
    .get(
      "/interaction/:requestId/sign-in",
      withRequest((request) => startSignIn(deps, request.id)),
    )
    // The sign-in page's "Create an account without a link" switches the request's journey.
    .get(
      "/interaction/:requestId/find-record",
      withRequest((request) => startFindRecord(deps, request.id)),
    );
}
