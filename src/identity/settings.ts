// identity's configuration: the shared settings, mail, SMS and outbox, its own client for calling
// records, and the settings below that only identity reads. Names are environment variables; see
// README "Configuration".
import { z } from "zod";
import {
  checkSharedSettings,
  checkSupportSettings,
  parseSettings,
  requireInProduction,
  sharedSettings,
  withServiceAddresses,
  type Env,
  type SharedConfig,
} from "../config/config";
import { duration, optionalString } from "../config/env-schema";
import { checkInternalClientSettings, internalClientSettings } from "../config/internal-clients";
import { checkEmailSettings, checkSmsSettings, emailSettings, outboxSettings, smsSettings } from "../mail/settings";
import { startLimitSettings } from "./rate-limit/settings";
import { apiRateLimitSettings } from "../api-rate-limit/settings";
import { securityCodeSettings } from "./security-codes/settings";
import { allowedIpsProblem } from "../web/allowed-ips";

const count = (fallback: number) =>
  z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").default(fallback);

/** "Create an account without a link" (src/identity/find-record/). */
const findRecordSettings = z.object({
  /** Times records may answer "no match" in one journey before the journey goes to support instead. */
  FIND_RECORD_FAILURES_BEFORE_SUPPORT: count(3),
  /** Record searches one client IP may make per RATE_LIMIT_WINDOW (a school may share one address). */
  FIND_RECORD_LIMIT_PER_IP: count(30),
  /** Record searches one journey may make per RATE_LIMIT_WINDOW. */
  FIND_RECORD_LIMIT_PER_JOURNEY: count(5),
});

const identityOwnSettings = z.object({
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
  // Authorization requests and journeys started per client IP.
  ...startLimitSettings.shape,
  // Per-client limits on the APIs (a client's --rate-limit, else API_RATE_LIMIT).
  ...apiRateLimitSettings.shape,
  /**
   * The support console (/admin) answers only these client addresses or CIDR ranges (comma-separated);
   * unset: any address. Behind a proxy, set TRUST_PROXY so the client's own address is seen.
   */
  ADMIN_ALLOWED_IPS: optionalString().superRefine((value, ctx) => {
    const problem = value === undefined ? undefined : allowedIpsProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  // "Create an account without a link": support's response time, the search limits.
  ...findRecordSettings.shape,
});

export const identitySettings = sharedSettings
  .extend(emailSettings.shape)
  .extend(smsSettings.shape)
  .extend(outboxSettings.shape)
  // identity -> records (scope teachers:read).
  .extend(internalClientSettings("IDENTITY").shape)
  .extend(identityOwnSettings.shape)
  .superRefine((settings, ctx) => {
    checkSharedSettings(settings, ctx);
    checkSupportSettings(settings, ctx);
    checkEmailSettings(settings, ctx);
    checkSmsSettings(settings, ctx);
    checkInternalClientSettings("IDENTITY")(settings, ctx);
    requireInProduction(settings, ctx, ["SIGNING_KEY_PASSPHRASE"], "it encrypts the signing keys at rest");
  });

export type IdentityConfig = z.output<typeof identitySettings> & SharedConfig;

/** Reads and validates identity's settings; throws ConfigError naming each bad one. */
export function loadIdentityConfig(env: Env = process.env): IdentityConfig {
  return withServiceAddresses(parseSettings(identitySettings, env));
}
