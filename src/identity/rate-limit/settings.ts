// Limits on what a browser can make identity store before anyone has signed in: authorization
// requests (GET /authorize) and journeys (GET /interaction/...), per client IP and
// RATE_LIMIT_WINDOW (leaky buckets, like the code limits). High enough for a school behind one
// address; a flood from one address stops at the limit instead of filling the tables.
import { z } from "zod";

const count = (fallback: number) =>
  z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").default(fallback);

export const startLimitSettings = z.object({
  /** Authorization requests /authorize stores for one client IP (the ones that need a sign-in). */
  AUTHORIZATION_REQUEST_LIMIT_PER_IP: count(300),
  /** Sign-in and registration journeys started at /interaction for one client IP. */
  JOURNEY_LIMIT_PER_IP: count(300),
});
