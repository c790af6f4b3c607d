// Settings that only the identity service reads. Names are environment variables; see README "Configuration".
import { z } from "zod";
import { duration, optionalString } from "../config/env-schema";
import { securityCodeSettings } from "./security-codes/settings";

export const identitySettings = z.object({
  /** How long an access token (JWT) is valid. Short: JWTs cannot be recalled once issued. */
  ACCESS_TOKEN_TTL: duration("15m"),
  /** How long an ID token is valid. */
  ID_TOKEN_TTL: duration("15m"),
  /** Absolute lifetime of a grant's refresh tokens (rotation does not extend it). */
  REFRESH_TOKEN_TTL: duration("12h"),
  /** How long the magic link in a QTS email works. */
  TRN_TOKEN_TTL: duration("30d"),
  // Security codes and their rate limits (sign-in and registration journeys).
  ...securityCodeSettings.shape,
  /**
   * Encrypts the private signing keys in identity.sqlite and keys the security-code hashes
   * (keys/key-vault.ts). Required in production; development uses a documented public default.
   */
  SIGNING_KEY_PASSPHRASE: optionalString().pipe(z.string().min(16, "must be at least 16 characters").optional()),
});

/** identity's checks that depend on ENVIRONMENT (called from the configuration's superRefine). */
export function checkIdentitySettings(
  settings: { ENVIRONMENT: string; SIGNING_KEY_PASSPHRASE?: string },
  ctx: z.RefinementCtx,
): void {
  if (settings.ENVIRONMENT === "production" && !settings.SIGNING_KEY_PASSPHRASE) {
    ctx.addIssue({
      code: "custom",
      path: ["SIGNING_KEY_PASSPHRASE"],
      message: "is required when ENVIRONMENT=production (it encrypts the signing keys at rest)",
    });
  }
}
