// /interaction/{requestId}: where /authorize sends a browser that must sign in or register (the
// hand-off's "this authorization request needs an account"). It picks the journey: registration
// when the request carries a TRN token and asks for the TRN, otherwise sign-in.
// Opening it changes nothing but that: a mail scanner fetching the link consumes no token.
import { Elysia } from "elysia";
import { htmlResponse } from "../../web/html";
import type { RouteContext } from "../journey/journey-guard";
import { RequestExpiredPage } from "../journey/journey-pages";
import { readAccountRequest, type AccountRequest } from "../oidc/hand-off";
import type { RegisterDeps } from "../register/register-service";
import { startRegistration } from "../register/start-registration";
import { readSession } from "../sessions/session";
import { startSignIn } from "../sign-in/start-sign-in";

export function interactionRoutes(deps: RegisterDeps) {
  const { brand, db } = deps;

  /** The request, or the "start again" page when it is unknown, expired or already completed. */
  const withRequest = (handler: (request: AccountRequest, ctx: RouteContext) => Response) => (c: unknown) => {
    const ctx = c as RouteContext;
    const request = readAccountRequest(db, ctx.params?.requestId ?? "");
    if (request) return handler(request, ctx);
    const signedIn = readSession(db, ctx.request.headers.get("cookie")) !== null;
    return htmlResponse(<RequestExpiredPage brand={brand} signedIn={signedIn} />, 400);
  };

  return new Elysia({ name: "identity-interaction" })
    .get(
      "/interaction/:requestId",
      withRequest((request, ctx) => {
        const { trnTokenHash } = request;
        if (trnTokenHash && request.wantsTrn) return startRegistration(deps, { ...request, trnTokenHash }, ctx);
        return startSignIn(deps, request.id);
      }),
    )
    .get(
      "/interaction/:requestId/sign-in",
      withRequest((request) => startSignIn(deps, request.id)),
    );
}
