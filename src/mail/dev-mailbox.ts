// The dev mailbox: in development, every email and SMS any service sends is stored in
// DATA_DIR/dev-mailbox.sqlite instead of leaving the machine, and records lists it at /dev/mailbox.
// Development only, as a convenience of the all-in-one `serve`: it is one file that every service
// writes, shown on a page without sign-in, holding live codes and magic links. So it is refused
// when ENVIRONMENT=production, where the settings also require SMTP_URL and NOTIFY_API_KEY.
import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { openSqlite } from "../db/open-database";

export interface DevMailboxEntry {
  id: number;
  channel: "email" | "sms";
  to: string;
  from: string | null;
  subject: string | null;
  text: string;
  html: string | null;
  createdAt: number;
}

export interface DevMailbox {
  add(entry: Omit<DevMailboxEntry, "id" | "createdAt">): number;
  /** Newest first. `to`: an email address (any case) or a phone number, as shown (07911 123456) or E.164. */
  list(options?: { limit?: number; to?: string }): DevMailboxEntry[];
  close(): void;
}

export const devMailboxFile = (dataDir: string) => join(dataDir, "dev-mailbox.sqlite");

/**
 * What a recipient typed into the filter may be stored as: an email address lower-cased; a phone
 * number also in E.164, the form text messages are sent to, whether it was written as pages show it
 * (07911 123456, UK by default) or already as +447911123456.
 */
export function recipientForms(to: string): string[] {
  const text = to.trim();
  const forms = [text.toLowerCase()];
  if (!text.includes("@")) {
    const phone = parsePhoneNumberFromString(text, "GB");
    if (phone && !forms.includes(phone.number)) forms.push(phone.number);
  }
  return forms;
}

/** A stored phone number as pages show it: national for UK numbers, international otherwise; other recipients as stored. */
export function shownRecipient(to: string): string {
  if (!to.startsWith("+")) return to;
  const phone = parsePhoneNumberFromString(to);
  if (!phone) return to;
  return phone.countryCallingCode === "44" ? phone.formatNational() : phone.formatInternational();
}

export function openDevMailbox(dataDir: string, environment: string): DevMailbox {
  if (environment === "production") {
    throw new Error("The dev mailbox is for development only: set SMTP_URL (and NOTIFY_API_KEY for SMS) in production");
  }
  const sqlite: Database = openSqlite(devMailboxFile(dataDir));
  // A development convenience, not a service database: its one table is created here rather than
  // by a migration, and it may be deleted at any time.
  sqlite.run(`CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "from" TEXT,
    subject TEXT,
    text TEXT NOT NULL,
    html TEXT,
    created_at INTEGER NOT NULL
  )`);
  const insert = sqlite.query(
    `INSERT INTO messages (channel, "to", "from", subject, text, html, created_at) VALUES ($channel, $to, $from, $subject, $text, $html, $createdAt) RETURNING id`,
  );
  return {
    add(entry) {
      const row = insert.get({
        channel: entry.channel,
        to: entry.to,
        from: entry.from ?? null,
        subject: entry.subject ?? null,
        text: entry.text,
        html: entry.html ?? null,
        createdAt: Date.now(),
      }) as { id: number };
      return row.id;
    },
    list(options = {}) {
      const limit = options.limit ?? 100;
      const rows = options.to
        ? sqlite
            .query(`SELECT * FROM messages WHERE lower("to") IN (SELECT value FROM json_each($forms)) ORDER BY id DESC LIMIT $limit`)
            .all({ forms: JSON.stringify(recipientForms(options.to)), limit })
        : sqlite.query(`SELECT * FROM messages ORDER BY id DESC LIMIT $limit`).all({ limit });
      return (rows as Record<string, unknown>[]).map((r) => ({
        id: r.id as number,
        channel: r.channel as "email" | "sms",
        to: r.to as string,
        from: r.from as string | null,
        subject: r.subject as string | null,
        text: r.text as string,
        html: r.html as string | null,
        createdAt: r.created_at as number,
      }));
    },
    close: () => sqlite.close(),
  };
}

/** For tests and tools: the messages in a data directory's dev mailbox, newest first. */
export function readDevMailbox(dataDir: string, options?: { limit?: number; to?: string }): DevMailboxEntry[] {
  const mailbox = openDevMailbox(dataDir, "development");
  try {
    return mailbox.list(options);
  } finally {
    mailbox.close();
  }
}
