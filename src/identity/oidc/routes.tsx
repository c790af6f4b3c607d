// The OpenID Connect provider's HTTP endpoints. Thin: each parses, calls a plain function, replies.
import type { Server } from "bun";
import { Elysia } from "elysia";
import type { ResponseHeaders } from "../../api-rate-limit/api-rate-limiter";
import { enterBearerApi } from "../../api-rate-limit/bearer-api";
import { clientIp } from "../../web/client-ip";
import { htmlResponse, seeOther } from "../../web/html";
import { tooManyRequests, tooManyStarts } from "../rate-limit/rate-limit-pages";
import type { Client } from "../clients/clients";
import { authorize } from "./authorize";
import { authenticateClient } from "./client-authentication";
import type { OidcContext } from "./context";
import { discoveryDocument } from "./discovery";
import { checkEndSessionRequest, postLogoutLocation, sessionToEnd, signOut, type EndSessionParams } from "./end-session";
import { introspect } from "./introspection";
import { OAuthError, oauthErrorResponse, readForm } from "./oauth-errors";
import { AuthorizeErrorPage, SignOutConfirmPage, SignOutErrorPage, SignedOutPage } from "./pages";
import { revoke } from "./revocation";
import { handleTokenRequest } from "./token-endpoint";
import { userinfo } from "./userinfo";

const cacheable = (body: unknown) =>
  new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });

async function oauth(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error);
    throw error;
  }
}

const single = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

export function oidcRoutes(ctx: OidcContext) {
  const discovery = discoveryDocument(ctx.issuer);

  async function endSessionPage(params: EndSessionParams, cookie: string | null, csrfToken: string): Promise<Response> {
    const check = await checkEndSessionRequest(ctx, params);
    if (!check.ok) return htmlResponse(<SignOutErrorPage brand={ctx.brand} reason={check.reason} />, 400);
    if (!sessionToEnd(ctx, check, cookie)) {
      // Nobody to sign out (or the client's user is no longer the one signed in here): go straight back.
      const location = postLogoutLocation(check);
      return location ? seeOther(location) : htmlResponse(<SignedOutPage brand={ctx.brand} />);
    }
    const form = { clientId: check.client?.clientId, postLogoutRedirectUri: check.postLogoutRedirectUri, state: check.state };
    return htmlResponse(<SignOutConfirmPage brand={ctx.brand} csrfToken={csrfToken} form={form} clientName={check.client?.name} />);
  }

  /**
   * The endpoints where a client authenticates itself (/token, /revoke, /introspect): an address
   * that keeps failing is refused unread; a failure counts against the address; an authenticated
   * client's request counts against the client's limit (src/api-rate-limit/).
   */
  const asClient = (
    { request, server, set }: { request: Request; server: Server<unknown> | null; set: { headers: ResponseHeaders } },
    handle: (client: Client, form: URLSearchParams) => Promise<Response>,
  ) =>
    oauth(async () => {
      const address = () => clientIp(request, server, ctx.trustProxy);
      const refused = ctx.apiLimits.refuseAddress(set.headers, address);
      if (refused) return refused;
      const form = await readForm(request);
      let client: Client;
      try {
        client = authenticateClient(ctx.db, request.headers.get("authorization"), form);
      } catch (error) {
        if (error instanceof OAuthError && error.error === "invalid_client") ctx.apiLimits.authenticationFailed(set.headers, address());
        throw error;
      }
      return ctx.apiLimits.admit(set.headers, client.clientId, client.rateLimit) ?? handle(client, form);
    });
  const userinfoDoor = { verifier: ctx.accessTokens, limiter: ctx.apiLimits, trustProxy: ctx.trustProxy };
  const userinfoRoute = async (context: Parameters<typeof enterBearerApi>[1]) => {
    const claims = await enterBearerApi(userinfoDoor, context, "openid");
    return claims instanceof Response ? claims : userinfo(ctx, claims);
  };

  return new Elysia({ name: "identity-oidc" })
    .get("/.well-known/openid-configuration", () => cacheable(discovery))
    .get("/.well-known/jwks.json", async () => cacheable(await ctx.keys.jwks()))
    .post("/token", (context) => asClient(context, (client, form) => handleTokenRequest(ctx, client, form)))
    .post("/revoke", (context) => asClient(context, (client, form) => revoke(ctx, client, form)))
    .post("/introspect", (context) => asClient(context, (client, form) => introspect(ctx, client, form)))
    .get("/authorize", ({ request, server }) => {
      const ip = clientIp(request, server, ctx.trustProxy);
      const outcome = authorize(ctx.db, ctx.issuer, new URL(request.url).searchParams, request.headers.get("cookie"), Date.now(), {
        ip,
        rule: ctx.authorizationRequestLimit,
      });
      if (outcome.kind === "error_page") return htmlResponse(<AuthorizeErrorPage brand={ctx.brand} reason={outcome.reason} />, 400);
      if (outcome.kind === "rate_limited") {
        ctx.logger.warn("authorize_rate_limited", {});
        return tooManyRequests(ctx.brand, { retryAt: outcome.retryAt, what: tooManyStarts });
      }
      return seeOther(outcome.location);
    })
    .get("/userinfo", userinfoRoute)
    .post("/userinfo", userinfoRoute)
    .get("/end-session", ({ query, request, ...rest }) =>
      endSessionPage(
        {
          idTokenHint: single(query.id_token_hint),
          clientId: single(query.client_id),
          logoutHint: single(query.logout_hint),
          postLogoutRedirectUri: single(query.post_logout_redirect_uri),
          state: single(query.state),
        },
        request.headers.get("cookie"),
        // Derived for every route by createServiceApp (not visible in this sub-app's types).
        (rest as unknown as { csrfToken: string }).csrfToken,
      ),
    )
    .get("/logout", ({ request }) => seeOther(`/end-session${new URL(request.url).search}`))
    .post("/end-session", async ({ body, request }) => {
      const form = (body ?? {}) as Record<string, unknown>;
      const check = await checkEndSessionRequest(ctx, {
        clientId: single(form.client_id),
        postLogoutRedirectUri: single(form.post_logout_redirect_uri),
        state: single(form.state),
      });
      if (!check.ok) return htmlResponse(<SignOutErrorPage brand={ctx.brand} reason={check.reason} />, 400);
      const { setCookie: clearCookie, revokedGrants } = signOut(ctx, request.headers.get("cookie"));
      ctx.logger.info("signed_out", { client_id: check.client?.clientId, grants_revoked: revokedGrants });
      const location = postLogoutLocation(check);
      if (location) return seeOther(location, { "set-cookie": clearCookie });
      return htmlResponse(<SignedOutPage brand={ctx.brand} />, 200, { "set-cookie": clearCookie });
    });
}
