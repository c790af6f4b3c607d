// POST /introspect (RFC 7662): a resource server asks whether an access token still stands. JWTs
// verify anywhere, but only identity knows that a grant was revoked (POST /revoke, a reused code
// or refresh token, signing out), so records asks here about user tokens before it trusts them.
// Only clients registered with the `introspect` scope may ask (records' own client); they
// authenticate as at /token.
import type { Client } from "../clients/clients";
import type { OidcContext } from "./context";
import { grantStands } from "./grants";
import { OAuthError, jsonNoStore, param, requiredParam } from "./oauth-errors";

/** The client scope that lets a resource server call POST /introspect. */
export const introspectScope = "introspect";

/** `client` has authenticated (routes.tsx, which also counts the request against its rate limit). */
export async function introspect(ctx: OidcContext, client: Client, form: URLSearchParams): Promise<Response> {
  if (!client.scopes.includes(introspectScope)) {
    throw new OAuthError("unauthorized_client", `This client may not introspect tokens: it needs the scope '${introspectScope}'.`);
  }
  const token = requiredParam(form, "token");
  param(form, "token_type_hint"); // Allowed (RFC 7662 §2.1), not needed: only access tokens are ever active here.
  const claims = await ctx.accessTokens.verify(`Bearer ${token}`);
  // RFC 7662 §2.2: nothing more about a token that is not active, whatever the reason.
  if (claims instanceof Response) return jsonNoStore({ active: false });
  // A user's token stands while its grant does; a machine's (client credentials) until it expires.
  if (claims.grant_id !== undefined && !grantStands(ctx.db, claims.grant_id, claims.sub)) return jsonNoStore({ active: false });
  return jsonNoStore({
    active: true,
    token_type: "Bearer",
    scope: claims.scope,
    client_id: claims.client_id,
    sub: claims.sub,
    iss: claims.iss,
    aud: claims.aud,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    ...(claims.grant_id ? { grant_id: claims.grant_id } : {}),
  });
}
