// Settings for sending mail and SMS and for the outbox worker that drives them. Read by every
// service that sends anything (identity's security codes, records' invitations).
import { z } from "zod";
import { duration, optionalString } from "../config/env-schema";

export const mailSettings = z.object({
  /** GOV.UK Notify API key (`name-{serviceId}-{secret}`); SMS goes to the dev mailbox without it. */
  NOTIFY_API_KEY: optionalString().pipe(
    z
      .string()
      .regex(/-[0-9a-f-]{36}-[0-9a-f-]{36}$/i, "must be a GOV.UK Notify API key (name-{service id}-{secret key})")
      .optional(),
  ),
  /** A Notify SMS template whose whole body is `((message))`. */
  NOTIFY_SMS_TEMPLATE_ID: optionalString(),
  NOTIFY_BASE_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
    .default("https://api.notifications.service.gov.uk")
    .transform((value) => value.replace(/\/+$/, "")),
  /** A message not sent within this time is marked failed (and logged as an error). */
  OUTBOX_MAX_AGE: duration("3d"),
  /** First retry delay; doubles on each failure (with jitter) up to OUTBOX_RETRY_MAX. */
  OUTBOX_RETRY_MIN: duration("2s"),
  OUTBOX_RETRY_MAX: duration("15m"),
  /** How long a claimed message is reserved for one attempt; after a crash it is retried then. */
  OUTBOX_CLAIM_TIMEOUT: duration("2m"),
});

export type MailSettings = z.output<typeof mailSettings>;
