// Settings that only the identity service reads. Names are environment variables; see README "Configuration".
import { z } from "zod";
import { duration } from "../config/env-schema";
import { startLimitSettings } from "./rate-limit/settings";
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
  // Authorization requests and journeys started per client IP.
  ...startLimitSettings.shape,
});
