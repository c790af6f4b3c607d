// records' configuration: the shared settings, email and outbox (invitations; records sends no
// SMS), and its own client for calling identity. Names are environment variables; see README
// "Configuration".
import { z } from "zod";
import { duration, optionalString } from "../config/env-schema";
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
import { checkInternalClientSettings, internalClientSettings } from "../config/internal-clients";
import { checkEmailSettings, emailSettings, outboxSettings } from "../mail/settings";
import { apiRateLimitSettings } from "../api-rate-limit/settings";

export const recordsSettings = sharedSettings
  .extend(emailSettings.shape)
  .extend(outboxSettings.shape)
  // records -> identity POST /trn-tokens (scope trn_token:write).
  .extend(internalClientSettings("RECORDS").shape)
  // Per-client limits on the API (a token's rate_limit claim, else API_RATE_LIMIT).
  .extend(apiRateLimitSettings.shape)
  .extend({
    /**
     * How long records keeps identity's answer to "is this teacher's access token still valid?"
     * (POST /introspect): a token revoked at identity is refused within this time.
     */
    /**
     * The Standard Webhooks secret (whsec_...) identity signs its events to records with
     * (POST /webhooks/identity). Unset in development: `serve` provisions the subscription and
     * shares the secret through the provisioned secrets file. In production, set it here and give
     * identity the same one: `teacher-id identity webhooks add --secret`.
     */
    IDENTITY_WEBHOOK_SECRET: optionalString().pipe(
      z.string().startsWith("whsec_", "must be a Standard Webhooks secret (whsec_...)").optional(),
    ),
    /**
     * Requests a minute one client may make to POST /v2/teachers/find (scope teachers:match): each
     * is a guess at a teacher's details, so far fewer than the API's general limit. identity also
     * limits each teacher's journey.
     */
    TEACHER_MATCH_RATE_LIMIT: z.coerce
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(1_000_000, "must be 1000000 or less")
      .default(600),
    INTROSPECTION_CACHE_TTL: duration("5s").pipe(z.number().max(60_000, "must be 60s or less: it is how long a revoked token still works")),
  })
  .superRefine((settings, ctx) => {
    checkSharedSettings(settings, ctx);
    checkSupportSettings(settings, ctx);
    checkEmailSettings(settings, ctx);
    checkInternalClientSettings("RECORDS")(settings, ctx);
    requireInProduction(settings, ctx, ["IDENTITY_WEBHOOK_SECRET"], "records verifies identity's webhooks with it; give identity the same one with 'identity webhooks add --secret'");
  });

export type RecordsConfig = z.output<typeof recordsSettings> & SharedConfig;

/** Reads and validates records' settings; throws ConfigError naming each bad one. */
export function loadRecordsConfig(env: Env = process.env): RecordsConfig {
  return withServiceAddresses(parseSettings(recordsSettings, env));
}
