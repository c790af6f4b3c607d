// Signing access tokens (RFC 9068 JWTs) and ID tokens.
import { signCompactJwt } from "../keys/compact-jws";
import type { SigningAlgorithm } from "../keys/signing-keys";
import { grantsTrnClaim } from "./claims";
import type { OidcContext } from "./context";

/** Scopes whose tokens `records` accepts: such tokens name RECORDS_URL in `aud` too. */
export const recordsScopes = ["itt_outcome:write", "qts:write", "induction:write", "teachers:read", "teachers:match", "dqt:read", "support:read", "support:write", "date_of_birth:write"];

export function accessTokenAudience(ctx: Pick<OidcContext, "issuer" | "recordsUrl">, scopes: string[]): string[] {
  return scopes.some((s) => recordsScopes.includes(s)) ? [ctx.issuer, ctx.recordsUrl] : [ctx.issuer];
}

export interface AccessTokenSubject {
  /** The account id for a user, the client_id for client credentials. */
  sub: string;
  clientId: string;
  scopes: string[];
  trn?: string | null;
  grantId?: string;
  authTime?: number;
  /** The client's own requests a minute, when it has one: records reads it from the token (rate_limit). */
  rateLimit?: number | null;
}

export async function signAccessToken(
  ctx: Pick<OidcContext, "issuer" | "recordsUrl" | "accessTokenTtlMs" | "keys">,
  subject: AccessTokenSubject,
  now = Date.now(),
): Promise<{ accessToken: string; expiresIn: number; scope: string }> {
  const { kid, alg, key } = await ctx.keys.signingKey("ES256");
  const iat = Math.floor(now / 1000);
  const expiresIn = Math.floor(ctx.accessTokenTtlMs / 1000);
  const scope = subject.scopes.join(" ");
  const claims: Record<string, unknown> = { scope, client_id: subject.clientId };
  if (subject.trn && grantsTrnClaim(subject.scopes)) claims.trn = subject.trn;
  if (subject.grantId) claims.grant_id = subject.grantId;
  if (subject.authTime !== undefined) claims.auth_time = Math.floor(subject.authTime / 1000);
  if (subject.rateLimit) claims.rate_limit = subject.rateLimit;
  const accessToken = signCompactJwt(
    { alg, kid, typ: "at+jwt" },
    {
      ...claims,
      iss: ctx.issuer,
      sub: subject.sub,
      aud: accessTokenAudience(ctx, subject.scopes),
      iat,
      exp: iat + expiresIn,
      jti: crypto.randomUUID(),
    },
    key,
  );
  return { accessToken, expiresIn, scope };
}

export async function signIdToken(
  ctx: Pick<OidcContext, "issuer" | "idTokenTtlMs" | "keys">,
  input: {
    sub: string;
    clientId: string;
    nonce?: string | null;
    authTime: number;
    claims: Record<string, unknown>;
    alg?: SigningAlgorithm;
  },
  now = Date.now(),
): Promise<string> {
  const { kid, alg, key } = await ctx.keys.signingKey(input.alg ?? "ES256");
  const iat = Math.floor(now / 1000);
  const payload: Record<string, unknown> = { ...input.claims, auth_time: Math.floor(input.authTime / 1000) };
  if (input.nonce) payload.nonce = input.nonce;
  return signCompactJwt(
    { alg, kid, typ: "JWT" },
    {
      ...payload,
      iss: ctx.issuer,
      sub: input.sub,
      aud: input.clientId,
      iat,
      exp: iat + Math.floor(ctx.idTokenTtlMs / 1000),
    },
    key,
  );
}
