// The door of every bearer-token API (records' API, identity's /trn-tokens, /userinfo and Users
// API): an address that keeps failing is refused unread, the token is checked, the client's
// request is counted against its limit, then the scope is checked. So every answer past the
// first check carries the RateLimit fields, a 403 counts like any request, and a 401 counts
// against the address.
import type { Server } from "bun";
import { insufficientScope, type AccessTokenClaims, type AccessTokenVerifier } from "../auth/verify-access-token";
import { clientIp } from "../web/client-ip";
import type { ApiRateLimiter, ResponseHeaders } from "./api-rate-limiter";

export interface BearerApiDoor {
  verifier: AccessTokenVerifier;
  limiter: ApiRateLimiter;
  /** TRUST_PROXY: whether X-Forwarded-For names the client. */
  trustProxy: boolean;
}

/** What a route handler has from Elysia's context. */
export interface BearerApiRequest {
  request: Request;
  server: Server<unknown> | null;
  set: { headers: ResponseHeaders };
}

/**
 * The token's claims when the request may go on, or the Response to send: 429 (this address failed
 * too often, or the client is over its limit), 401 (no valid token), 403 (without `scope`), or 503
 * (identity cannot say whether a teacher's token was revoked).
 */
export async function enterBearerApi(door: BearerApiDoor, { request, server, set }: BearerApiRequest, scope: string): Promise<AccessTokenClaims | Response> {
  const address = () => clientIp(request, server, door.trustProxy);
  const refused = door.limiter.refuseAddress(set.headers, address);
  if (refused) return refused;
  const claims = await door.verifier.verify(request.headers.get("authorization"));
  if (claims instanceof Response) {
    if (claims.status === 401) door.limiter.authenticationFailed(set.headers, address());
    return claims;
  }
  const limit = typeof claims.rate_limit === "number" && Number.isInteger(claims.rate_limit) && claims.rate_limit > 0 ? claims.rate_limit : undefined;
  return door.limiter.admit(set.headers, claims.client_id, limit) ?? insufficientScope(claims, scope) ?? claims;
}
