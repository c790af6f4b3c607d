// POST /revoke (RFC 7009). Revoking a refresh token or a user's access token revokes the grant
// they came from: its refresh tokens stop working and /userinfo refuses its access tokens.
import { eq } from "drizzle-orm";
import { sha256 } from "../../security/tokens";
import { grants, refreshTokens } from "../db/schema";
import type { Client } from "../clients/clients";
import type { OidcContext } from "./context";
import { revokeGrant } from "./grants";
import { actor } from "../events/events";
import { jsonNoStore, requiredParam } from "./oauth-errors";

/** `client` has authenticated (routes.tsx, which also counts the request against its rate limit). */
export async function revoke(ctx: OidcContext, client: Client, form: URLSearchParams): Promise<Response> {
  const token = requiredParam(form, "token");
  let grantId: string | undefined;
  const refresh = ctx.db
    .select({ grantId: refreshTokens.grantId, clientId: grants.clientId })
    .from(refreshTokens)
    .innerJoin(grants, eq(grants.id, refreshTokens.grantId))
    .where(eq(refreshTokens.tokenHash, sha256(token)))
    .get();
  if (refresh) {
    if (refresh.clientId === client.clientId) grantId = refresh.grantId;
  } else if (token.split(".").length === 3) {
    const claims = await ctx.accessTokens.verify(`Bearer ${token}`);
    if (!(claims instanceof Response) && claims.client_id === client.clientId) grantId = claims.grant_id;
  }
  if (grantId) {
    ctx.db.transaction((tx) => revokeGrant(tx, grantId, { by: actor.client(client.clientId), reason: "revoked" }));
    ctx.logger.info("grant_revoked", { client_id: client.clientId, grant_id: grantId });
  }
  // RFC 7009 §2.2: the same answer whether or not the token was valid.
  return jsonNoStore({});
}
