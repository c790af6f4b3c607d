// The API rate limits' settings, read by each service that has an API (identity, records).
import { z } from "zod";

const perMinute = (fallback: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(10_000_000, "must be 10000000 or less")
    .default(fallback);

export const apiRateLimitSettings = z.object({
  /**
   * Requests a minute one API client may make to one service, when the client was registered
   * without --rate-limit. identity applies it to such clients; records to tokens without a
   * `rate_limit` claim.
   */
  API_RATE_LIMIT: perMinute(1000),
  /** Failed authentications a minute from one client IP before the API refuses that address unread. */
  API_FAILED_AUTH_LIMIT_PER_IP: perMinute(100),
});

export type ApiRateLimitConfig = z.output<typeof apiRateLimitSettings>;
