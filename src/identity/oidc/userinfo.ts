// GET|POST /userinfo: the signed-in user's claims, for the scopes of the access token. The token
// must come from a grant that has not been revoked (a reused code or refresh token revokes it).
import type { AccessTokenClaims } from "../../auth/verify-access-token";
import { problemResponse } from "../../web/problem";
import { findAccountById } from "../accounts/accounts";
import { claimsForScopes, grantsTrnClaim } from "./claims";
import { trnLookupOf } from "../accounts/trn-lookup";
import type { OidcContext } from "./context";
import { grantStands } from "./grants";

/** `claims`: a valid access token's, with scope openid (routes.tsx checks it and the client's rate limit). */
export function userinfo(ctx: OidcContext, claims: AccessTokenClaims): Response {
  if (!grantStands(ctx.db, claims.grant_id, claims.sub)) return invalidToken("The access token has been revoked.");
  const account = findAccountById(ctx.db, claims.sub);
  if (!account) return invalidToken("The account no longer exists.");
  const scopes = claims.scope.split(" ");
  return new Response(JSON.stringify({ sub: account.id, ...claimsForScopes(account, scopes, grantsTrnClaim(scopes) ? trnLookupOf(ctx.db, account) : undefined) }), {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

function invalidToken(detail: string): Response {
  return problemResponse(
    { title: "Unauthorized", status: 401, detail },
    { "www-authenticate": `Bearer error="invalid_token", error_description="${detail}"` },
  );
}
