// Settings for security codes and the rate limits on sending and checking them. Each limit is a
// leaky bucket (src/rate-limit/leaky-bucket.ts): N at once, then one more every RATE_LIMIT_WINDOW / N.
// Limits are per (address, client IP), so an attacker elsewhere cannot use up a teacher's; the
// per-address ceilings are far above what one person does and bite only on a flood. Wrong guesses
// are counted on the code itself (5, then it is dead), not on the address.
import { z } from "zod";
import { duration } from "../../config/env-schema";

const count = (fallback: number) =>
  z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").default(fallback);

export const securityCodeSettings = z.object({
  /** Codes (email or SMS) sent to one address or number because of requests from one client IP. */
  CODE_SEND_LIMIT_PER_ADDRESS_AND_IP: count(5),
  /** Codes and new links sent because of requests from one client IP, whatever the address. */
  CODE_SEND_LIMIT_PER_IP: count(100),
  /** Codes sent to one address or number from every IP together: only a flood reaches it. */
  CODE_SEND_CEILING_PER_ADDRESS: count(20),
  /** Code checks (right or wrong) for one address or number from one client IP. */
  CODE_CHECK_LIMIT_PER_ADDRESS_AND_IP: count(20),
  /** Code checks from one client IP, whatever the address. */
  CODE_CHECK_LIMIT_PER_IP: count(300),
  /**
   * Code checks for one address or number from every IP together. Guesses are already bounded by
   * 5 per code and by CODE_SEND_CEILING_PER_ADDRESS; this is the backstop if that is raised.
   */
  CODE_CHECK_CEILING_PER_ADDRESS: count(150),
  /** How long a full bucket takes to empty: each limit above is "per window", sustained. */
  RATE_LIMIT_WINDOW: duration("1h"),
});

export type SecurityCodeSettings = z.output<typeof securityCodeSettings>;
