// Settings that only the access service reads. Names are environment variables; see README "Configuration".
import { z } from "zod";
import { duration } from "../config/env-schema";

export const accessSettings = z.object({
  /** How long a teacher stays signed in to access, however active (their access token may end sooner). */
  ACCESS_SESSION_LIFETIME: duration("8h"),
  /** How long a sign-in started at access may take at identity (registering includes email and SMS codes). */
  ACCESS_SIGN_IN_TIMEOUT: duration("1h"),
  /**
   * Sign-ins (GET /sign-in and magic links) started from one client IP per ACCESS_SIGN_IN_TIMEOUT:
   * this many at once, then one more each ACCESS_SIGN_IN_TIMEOUT / this. Each stores a row.
   */
  ACCESS_SIGN_IN_LIMIT_PER_IP: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .default(300),
});
