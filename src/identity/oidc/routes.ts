// The OpenID Connect provider's HTTP endpoints. Thin: each parses, calls a plain function, replies.
import { Elysia } from "elysia";
import type { OidcContext } from "./context";
import { discoveryDocument } from "./discovery";
import { OAuthError, oauthErrorResponse, readForm } from "./oauth-errors";
import { handleTokenRequest } from "./token-endpoint";

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

export function oidcRoutes(ctx: OidcContext) {
  const discovery = discoveryDocument(ctx.issuer);
  return new Elysia({ name: "identity-oidc" })
    .get("/.well-known/openid-configuration", () => cacheable(discovery))
    .get("/.well-known/jwks.json", async () => cacheable(await ctx.keys.jwks()))
    .post(
      "/token",
      ({ request }) => oauth(async () => handleTokenRequest(ctx, request.headers.get("authorization"), await readForm(request))),
      { parse: "none" },
    );
}
