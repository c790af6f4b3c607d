// What the protocol code needs from the running identity service, in one value.
import type { Logger } from "../../log/logger";
import type { AccessTokenVerifier } from "../../auth/verify-access-token";
import type { ApiRateLimiter } from "../../api-rate-limit/api-rate-limiter";
import type { IdentityDatabaseFile } from "../db/database";
import type { SigningKeyStore } from "../keys/signing-keys";
import type { ServiceBrand } from "../../web/layout";
import type { IdentityConfig } from "../settings";
import type { RateLimit } from "../rate-limit/rate-limit";

export interface OidcContext {
  db: IdentityDatabaseFile;
  keys: SigningKeyStore;
  /** Verifies access tokens identity issued, for identity's own APIs (audience IDENTITY_URL). */
  accessTokens: AccessTokenVerifier;
  /** Per-client limits on identity's APIs (/token, /revoke, /introspect, /userinfo, /trn-tokens, /api/v1/users). */
  apiLimits: ApiRateLimiter;
  /** IDENTITY_URL: the `iss` of every token. */
  issuer: string;
  recordsUrl: string;
  accessTokenTtlMs: number;
  idTokenTtlMs: number;
  refreshTokenTtlMs: number;
  trnTokenTtlMs: number;
  /** Cookies get Secure when the public URL is https. */
  secure: boolean;
  /** Whether X-Forwarded-For names the client (TRUST_PROXY), for the per-IP limit below. */
  trustProxy: boolean;
  /** Authorization requests stored per client IP (AUTHORIZATION_REQUEST_LIMIT_PER_IP per RATE_LIMIT_WINDOW). */
  authorizationRequestLimit: RateLimit;
  brand: ServiceBrand;
  logger: Logger;
}

/** Authorization codes live this long: the client redeems them at once (RFC 6749 suggests ≤10 min). */
export const authorizationCodeTtlMs = 60_000;
/**
 * A sign-in or registration journey started by /authorize must finish within this time. One
 * nobody finished is deleted soon after (oidc/cleanup.ts), so a flood leaves nothing behind.
 */
export const authorizationRequestTtlMs = 60 * 60_000;

export function oidcSettings(config: IdentityConfig) {
  return {
    issuer: config.urls.identity,
    recordsUrl: config.urls.records,
    accessTokenTtlMs: config.ACCESS_TOKEN_TTL,
    idTokenTtlMs: config.ID_TOKEN_TTL,
    refreshTokenTtlMs: config.REFRESH_TOKEN_TTL,
    trnTokenTtlMs: config.TRN_TOKEN_TTL,
    secure: config.urls.identity.startsWith("https://"),
    trustProxy: config.TRUST_PROXY,
    authorizationRequestLimit: { limit: config.AUTHORIZATION_REQUEST_LIMIT_PER_IP, windowMs: config.RATE_LIMIT_WINDOW },
  };
}
