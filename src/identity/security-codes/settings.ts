// Settings for security codes and the rate limits on sending and checking them. Defaults suit a
// public service; a benchmark or a school behind one NAT address may need higher per-IP limits.
import { z } from "zod";
import { duration } from "../../config/env-schema";

const count = (fallback: number) =>
  z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").default(fallback);

export const securityCodeSettings = z.object({
  /** Codes (email or SMS) sent to one address or phone number per RATE_LIMIT_WINDOW. */
  CODE_SEND_LIMIT_PER_ADDRESS: count(5),
  /** Codes and new links sent because of requests from one client IP per RATE_LIMIT_WINDOW. */
  CODE_SEND_LIMIT_PER_IP: count(100),
  /** Code checks (right or wrong) for one address or phone number per RATE_LIMIT_WINDOW. */
  CODE_CHECK_LIMIT_PER_ADDRESS: count(20),
  /** Code checks from one client IP per RATE_LIMIT_WINDOW. */
  CODE_CHECK_LIMIT_PER_IP: count(300),
  RATE_LIMIT_WINDOW: duration("1h"),
});

export type SecurityCodeSettings = z.output<typeof securityCodeSettings>;
