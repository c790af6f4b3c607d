// Checks the bearer access tokens identity issues (RFC 9068 JWTs), for any service's API.
//
//   const verifier = createAccessTokenVerifier({ issuer: config.urls.identity,
//     jwksUrl: `${config.urls.identity}/.well-known/jwks.json`, audience: config.urls.records });
//   const claims = await verifier.verify(request.headers.get("authorization"), "itt_outcome:write");
//   if (claims instanceof Response) return claims; // 401/403 problem+json with WWW-Authenticate
//
// Signature checks are the main cost of an API call, so a token already verified is remembered
// (by its exact bytes) until it expires: a client reusing its token pays for one check.
// A user's token (one with a grant_id) can be revoked before it expires: with `revocation`, it is
// also checked with identity (token-introspection.ts). Machine tokens never are: stateless, fast.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { problemResponse } from "../web/problem";
import type { TokenIntrospector } from "./token-introspection";

export interface AccessTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  /** Space-separated scopes. */
  scope: string;
  client_id: string;
  /** The signed-in teacher's TRN, when the token was issued with scope `trn` or `dqt:read`. */
  trn?: string;
  /** The grant (one sign-in) a user's token came from; revoking the grant revokes the token. */
  grant_id?: string;
  auth_time?: number;
  /** Requests a minute the client may make to each API, when it was registered with its own limit. */
  rate_limit?: number;
}

export interface AccessTokenVerifierOptions {
  /** identity's IDENTITY_URL. */
  issuer: string;
  /** This service's own base URL: tokens must name it in `aud`. */
  audience: string;
  /** identity's JWKS, fetched over HTTP and cached (refetched when a token has an unknown kid). */
  jwksUrl?: string;
  /** Instead of jwksUrl: a key getter (identity itself uses its in-memory keys). */
  keys?: JWTVerifyGetKey;
  /** How many verified tokens to remember. */
  cacheSize?: number;
  /** Asks identity whether a user's token (one with a grant_id) has been revoked. */
  revocation?: TokenIntrospector;
}

export interface AccessTokenVerifier {
  /**
   * The claims of a valid token that has `requiredScope`, or the Response to send:
   * 401 when the token is missing, malformed, expired, unsigned (`alg: none`), tampered with, or
   * not meant for this audience, or (with `revocation`) a user's token whose grant was revoked;
   * 403 when it lacks the scope; 503 when identity cannot say whether a user's token was revoked.
   */
  verify(authorizationHeader: string | null | undefined, requiredScope?: string): Promise<AccessTokenClaims | Response>;
}

const bearerPattern = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const keys =
    options.keys ??
    (options.jwksUrl
      ? // A short cooldown: after identity rotates its keys, new tokens verify within a second.
        createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 1_000, timeoutDuration: 5_000 })
      : undefined);
  if (!keys) throw new Error("createAccessTokenVerifier needs jwksUrl or keys");
  const cacheSize = options.cacheSize ?? 10_000;
  const verified = new Map<string, AccessTokenClaims>();

  async function check(token: string): Promise<AccessTokenClaims> {
    const { payload } = await jwtVerify(token, keys!, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: ["ES256", "RS256"],
      typ: "at+jwt",
      requiredClaims: ["iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope"],
      clockTolerance: 5,
    });
    if (typeof payload.scope !== "string" || typeof payload.client_id !== "string") {
      throw new errors.JWTInvalid("scope and client_id must be strings");
    }
    // Shared by every request that presents this token (see the cache below): nobody may change it.
    return Object.freeze(payload) as AccessTokenClaims;
  }

  return {
    async verify(authorizationHeader, requiredScope) {
      if (!authorizationHeader) return unauthorized(null, "This API needs a bearer access token from Teacher ID.");
      const match = bearerPattern.exec(authorizationHeader.trim());
      if (!match) return unauthorized("invalid_token", "The Authorization header must be 'Bearer <access token>'.");
      const token = match[1];
      let claims = verified.get(token);
      const nowSeconds = Math.floor(Date.now() / 1000);
      if (claims && claims.exp <= nowSeconds) {
        verified.delete(token);
        claims = undefined;
      }
      if (!claims) {
        try {
          claims = await check(token);
        } catch (error) {
          return unauthorized("invalid_token", describe(error));
        }
        if (verified.size >= cacheSize) verified.clear();
        verified.set(token, claims);
      }
      const lacking = requiredScope ? insufficientScope(claims, requiredScope) : undefined;
      if (lacking) return lacking;
      if (claims.grant_id !== undefined && options.revocation) {
        const status = await options.revocation.status(token);
        if (status === "inactive") return unauthorized("invalid_token", "The access token has been revoked.");
        if (status === "unknown") {
          // Fail closed: a token that may have been revoked is not honoured; the client may retry.
          return problemResponse(
            { title: "Service Unavailable", status: 503, detail: "Teacher ID cannot confirm that the access token is still valid. Try again shortly." },
            { "retry-after": "5" },
          );
        }
      }
      return claims;
    },
  };
}

/** The 403 to send when the token lacks `scope` (RFC 6750 §3.1 insufficient_scope), else undefined. */
export function insufficientScope(claims: AccessTokenClaims, scope: string): Response | undefined {
  if (claims.scope.split(" ").includes(scope)) return undefined;
  return problemResponse(
    { title: "Forbidden", status: 403, detail: `The access token does not have the scope '${scope}'.` },
    { "www-authenticate": `Bearer error="insufficient_scope", scope="${scope}"` },
  );
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The access token has expired.";
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") return "The access token is not meant for this service.";
  if (error instanceof errors.JOSEAlgNotAllowed) return "The access token is not signed with an accepted algorithm.";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The access token's signature is not valid.";
  return "The access token is not valid.";
}

function unauthorized(error: "invalid_token" | null, detail: string): Response {
  // RFC 6750 §3.1: a request with no credentials gets the challenge without an error code.
  const challenge = error ? `Bearer error="${error}", error_description="${detail.replace(/"/g, "'")}"` : "Bearer";
  return problemResponse({ title: "Unauthorized", status: 401, detail }, { "www-authenticate": challenge });
}
