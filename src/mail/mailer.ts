// The mailer: where a service's email and SMS go. Email: SMTP (nodemailer, from SMTP_URL, STARTTLS
// and AUTH as the URL says) or, in development without SMTP_URL, the dev mailbox. SMS: GOV.UK
// Notify when NOTIFY_API_KEY is set, else the dev mailbox (refused in production).
import type { Transporter } from "nodemailer";
import type { Environment } from "../config/config";
import type { Logger } from "../log/logger";
import { maskEmail } from "../log/logger";
import { dependencyHealth, type DependencyHealth } from "../metrics/readiness";
import type { EmailMessage, SmsMessage } from "../outbox/enqueue";
import { PermanentFailure, type OutboxHandler } from "../outbox/worker";
import { openDevMailbox, type DevMailbox } from "./dev-mailbox";
import { createNotifySmsSender } from "./notify-sms";
import type { EmailSettings, SmsSettings } from "./settings";

export interface Mailer {
  /** Where email goes: "smtp" or "dev-mailbox". */
  emailTransport: "smtp" | "dev-mailbox";
  smsTransport: "notify" | "dev-mailbox" | "none";
  sendEmail(email: EmailMessage): Promise<void>;
  sendSms(sms: SmsMessage): Promise<void>;
  /** The dev mailbox, when either channel uses it (records lists it at /dev/mailbox). */
  devMailbox?: DevMailbox;
  /** How deliveries through SMTP and Notify have gone (readiness and metrics); the dev mailbox cannot fail. */
  dependencies: DependencyHealth[];
  close(): void;
}

/** Records each delivery's outcome in `health`: refused for good means the server is up. */
async function tracked(health: DependencyHealth, send: () => Promise<void>): Promise<void> {
  try {
    await send();
    health.succeeded();
  } catch (error) {
    if (error instanceof PermanentFailure) health.rejected();
    else health.failed();
    throw error;
  }
}

/** Email settings, and SMS settings for a service that sends SMS (src/mail/settings.ts). */
export type MailConfig = { ENVIRONMENT: Environment; DATA_DIR: string } & EmailSettings & Partial<SmsSettings>;

export interface MailerOptions {
  /** False for a service that never sends SMS (records): then production needs no Notify key for it. */
  sms?: boolean;
}

export function createMailer(config: MailConfig, logger: Logger, options: MailerOptions = {}): Mailer {
  const smsWanted = options.sms ?? true;
  const useNotify = smsWanted && Boolean(config.NOTIFY_API_KEY && config.NOTIFY_SMS_TEMPLATE_ID);
  const needsMailbox = !config.SMTP_URL || (smsWanted && !useNotify);
  // Production settings require SMTP_URL (and NOTIFY_API_KEY where SMS is sent), so production never
  // gets here with a channel left over; openDevMailbox also refuses production, as a second lock.
  const devMailbox = needsMailbox ? openDevMailbox(config.DATA_DIR, config.ENVIRONMENT) : undefined;

  let sendEmail: (email: EmailMessage) => Promise<void>;
  let closeSmtp = () => {};
  const dependencies: DependencyHealth[] = [];
  if (config.SMTP_URL) {
    // Email is every journey's way in (invitations, sign-in codes): a failing SMTP server makes
    // the service not ready once it has failed longer than READINESS_FAILURE_THRESHOLD.
    const smtpHealth = dependencyHealth("smtp", { required: true });
    dependencies.push(smtpHealth);
    const smtpUrl = config.SMTP_URL;
    // nodemailer is loaded and its pool made on the first email (~5-10 ms of start-up otherwise).
    let transport: Promise<Transporter> | undefined;
    const smtp = () =>
      (transport ??= import("nodemailer").then(({ default: nodemailer }) =>
        nodemailer.createTransport({
          url: smtpUrl,
          pool: true,
          maxConnections: 10,
          // Bounded well below the outbox claim timeout, so a hung server fails the attempt instead.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        } as any),
      ));
    closeSmtp = () => void transport?.then((t) => t.close());
    sendEmail = (email) =>
      tracked(smtpHealth, async () => {
        try {
          await (await smtp()).sendMail({ from: config.MAIL_FROM, to: email.to, subject: email.subject, text: email.text, html: email.html });
        } catch (error) {
          const e = error as { code?: string; responseCode?: number; message?: string };
          // A recipient the server rejects for good (5xx at RCPT) will never be accepted.
          if (e.code === "EENVELOPE" && (e.responseCode ?? 0) >= 500) {
            throw new PermanentFailure(`SMTP server rejected the recipient (${e.responseCode})`);
          }
          throw error;
        }
      });
  } else {
    sendEmail = async (email) => {
      devMailbox!.add({ channel: "email", to: email.to, from: config.MAIL_FROM, subject: email.subject, text: email.text, html: email.html ?? null });
    };
  }

  let sendSms: (sms: SmsMessage) => Promise<void>;
  if (!smsWanted) {
    sendSms = async () => {
      throw new Error("this service was set up without SMS");
    };
  } else if (useNotify) {
    const notify = createNotifySmsSender({
      apiKey: config.NOTIFY_API_KEY!,
      templateId: config.NOTIFY_SMS_TEMPLATE_ID!,
      // Parsed with the key (src/mail/settings.ts), which gives it its default.
      baseUrl: config.NOTIFY_BASE_URL!,
    });
    // Only the phone step needs SMS: a Notify outage shows in the metrics, not in readiness.
    const notifyHealth = dependencyHealth("notify", { required: false });
    dependencies.push(notifyHealth);
    sendSms = (sms) =>
      tracked(notifyHealth, async () => {
        await notify(sms);
      });
  } else {
    sendSms = async (sms) => {
      devMailbox!.add({ channel: "sms", to: sms.to, from: null, subject: null, text: sms.text, html: null });
    };
  }

  logger.info("mailer_ready", {
    email: config.SMTP_URL ? "smtp" : "dev-mailbox",
    sms: !smsWanted ? "none" : useNotify ? "notify" : "dev-mailbox",
  });

  return {
    emailTransport: config.SMTP_URL ? "smtp" : "dev-mailbox",
    smsTransport: !smsWanted ? "none" : useNotify ? "notify" : "dev-mailbox",
    sendEmail,
    sendSms,
    devMailbox,
    dependencies,
    close() {
      closeSmtp();
      devMailbox?.close();
    },
  };
}

/**
 * Outbox handlers for kinds "email" and "sms" (what enqueueEmail / enqueueSms store). Wire them
 * into a service's outbox worker: `createOutboxWorker({ ..., handlers: mailHandlers(mailer, log) })`.
 */
export function mailHandlers(mailer: Mailer, logger: Logger): Record<"email" | "sms", OutboxHandler> {
  return {
    email: async (payload: EmailMessage) => {
      if (!payload?.to || !payload.subject || !payload.text) throw new PermanentFailure("email payload lacks to, subject or text");
      await mailer.sendEmail(payload);
      logger.info("email_sent", { to: maskEmail(payload.to), via: mailer.emailTransport });
    },
    sms: async (payload: SmsMessage) => {
      if (!payload?.to || !payload.text) throw new PermanentFailure("sms payload lacks to or text");
      await mailer.sendSms(payload);
      logger.info("sms_sent", { to: maskPhone(payload.to), via: mailer.smsTransport });
    },
  };
}

/** `+447700900123` -> `+44*******123`. */
export function maskPhone(phone: string): string {
  return phone.length <= 5 ? "***" : phone.slice(0, 3) + "*".repeat(phone.length - 6) + phone.slice(-3);
}
