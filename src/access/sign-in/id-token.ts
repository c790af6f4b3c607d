// Verifies the ID token from identity's token endpoint: signature against identity's published
// keys, issuer, audience, expiry and the nonce this sign-in sent. arctic's decodeIdToken does not
// verify anything, so it is never used.
import { errors, jwtVerify } from "jose";
import { z } from "zod";
import { constantTimeEqual, sha256 } from "../../security/tokens";
import { IdentityUnavailableError, type IdentityProvider } from "../oidc/identity-provider";

const claimsSchema = z
  .object({
    sub: z.string().min(1),
    nonce: z.string(),
    trn: z.string().nullish(),
    email: z.string().nullish(),
    given_name: z.string().nullish(),
    family_name: z.string().nullish(),
    name: z.string().nullish(),
    preferred_name: z.string().nullish(),
    birthdate: z.string().nullish(),
    /** identity: this sign-in created the account (docs/CONTRACTS.md). */
    new_account: z.boolean().optional(),
    azp: z.string().optional(),
    aud: z.union([z.string(), z.array(z.string())]),
  })
  .loose();

export type IdTokenClaims = z.output<typeof claimsSchema>;

export class IdTokenRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`ID token rejected: ${reason}`);
    this.name = "IdTokenRejectedError";
  }
}

export async function verifyIdToken(
  idToken: string,
  expected: { provider: IdentityProvider; clientId: string; nonceHash: string },
): Promise<IdTokenClaims> {
  const { metadata, keys } = expected.provider;
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(idToken, keys, {
      issuer: metadata.issuer,
      audience: expected.clientId,
      // Never "none", never HMAC with a secret an attacker might know: only what identity signs with.
      algorithms: (metadata.id_token_signing_alg_values_supported ?? ["ES256", "RS256"]).filter(
        (alg) => alg !== "none" && !alg.startsWith("HS"),
      ),
      requiredClaims: ["sub", "exp", "iat", "nonce"],
      clockTolerance: 30,
    }));
  } catch (error) {
    if (error instanceof errors.JWKSTimeout) throw new IdentityUnavailableError("identity's keys timed out", { cause: error });
    if (error instanceof errors.JOSEError) throw new IdTokenRejectedError(error.code);
    throw new IdentityUnavailableError("could not fetch identity's keys", { cause: error });
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new IdTokenRejectedError("claims_malformed");
  const { aud, azp } = claims.data;
  // OpenID Connect Core 3.1.3.7: with several audiences, azp must name this client.
  if (Array.isArray(aud) && aud.length > 1 && azp !== expected.clientId) throw new IdTokenRejectedError("azp_mismatch");
  if (azp !== undefined && azp !== expected.clientId) throw new IdTokenRejectedError("azp_mismatch");
  if (!constantTimeEqual(sha256(claims.data.nonce), expected.nonceHash)) throw new IdTokenRejectedError("nonce_mismatch");
  return claims.data;
}
