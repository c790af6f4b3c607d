// Settings for sending email and SMS and for the outbox worker that drives them. A service takes
// the groups it uses: identity all three (security codes by email and SMS), records email and
// outbox (invitations), access none.
import { z } from "zod";
import { requireInProduction, type Environment } from "../config/config";
import { duration, optionalString } from "../config/env-schema";

export const emailSettings = z.object({
  SMTP_URL: optionalString().pipe(z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional()),
  MAIL_FROM: z.string().min(3).default("Teacher ID <no-reply@teacher-id.localhost>"),
});

/** Production sends real email: the dev mailbox (where email goes without SMTP_URL) is for development only. */
export function checkEmailSettings(settings: { ENVIRONMENT: Environment; SMTP_URL?: string }, ctx: z.RefinementCtx): void {
  requireInProduction(settings, ctx, ["SMTP_URL"], "the dev mailbox is for development only");
}

export const smsSettings = z.object({
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
});

/** A key needs its template; production sends real SMS (the dev mailbox is for development only). */
export function checkSmsSettings(
  settings: { ENVIRONMENT: Environment; NOTIFY_API_KEY?: string; NOTIFY_SMS_TEMPLATE_ID?: string },
  ctx: z.RefinementCtx,
): void {
  if (settings.NOTIFY_API_KEY && !settings.NOTIFY_SMS_TEMPLATE_ID) {
    ctx.addIssue({ code: "custom", path: ["NOTIFY_SMS_TEMPLATE_ID"], message: "is required when NOTIFY_API_KEY is set" });
  }
  requireInProduction(settings, ctx, ["NOTIFY_API_KEY"], "text messages go to the dev mailbox without it, which is for development only");
}

export const outboxSettings = z.object({
  /** A message not sent within this time is marked failed (and logged as an error). */
  OUTBOX_MAX_AGE: duration("3d"),
  /** First retry delay; doubles on each failure (with jitter) up to OUTBOX_RETRY_MAX. */
  OUTBOX_RETRY_MIN: duration("2s"),
  OUTBOX_RETRY_MAX: duration("15m"),
  /** How long a claimed message is reserved for one attempt; after a crash it is retried then. */
  OUTBOX_CLAIM_TIMEOUT: duration("2m"),
});

export type EmailSettings = z.output<typeof emailSettings>;
export type SmsSettings = z.output<typeof smsSettings>;
