// GET|POST /userinfo: the signed-in user's claims, for the scopes of the access token. The token
// must come from a grant that has not been revoked (a reused code or refresh token revokes it).
import { eq } from "drizzle-orm";
import { problemResponse } from "../../web/problem";
import { grants } from "../db/schema";
import { findAccountById } from "../accounts/accounts";
import { claimsForScopes } from "./claims";
import type { OidcContext } from "./context";

export async function userinfo(ctx: OidcContext, authorization: string | null): Promise<Response> {
  const claims = await ctx.accessTokens.verify(authorization, "openid");
  if (claims instanceof Response) return claims;
  const grant = claims.grant_id ? ctx.db.select().from(grants).where(eq(grants.id, claims.grant_id)).get() : undefined;
  if (!grant || grant.revokedAt !== null || grant.accountId !== claims.sub) return invalidToken("The access token has been revoked.");
  const account = findAccountById(ctx.db, claims.sub);
  if (!account) return invalidToken("The account no longer exists.");
  return new Response(JSON.stringify({ sub: account.id, ...claimsForScopes(account, claims.scope.split(" ")) }), {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

function invalidToken(detail: string): Response {
  return problemResponse(
    { title: "Unauthorized", status: 401, detail },
    { "www-authenticate": `Bearer error="invalid_token", error_description="${detail}"` },
  );
}
