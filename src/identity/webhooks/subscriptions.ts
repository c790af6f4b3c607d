// Webhook subscribers (Standard Webhooks): added, listed, removed and re-keyed by the operator
// (`teacher-id identity webhooks ...`), read by recordEvent (which enqueues one delivery per
// matching subscriber) and by the delivery handler. Secrets are `whsec_` + base64 of 32 random
// bytes, stored AES-256-GCM-encrypted under the key vault's webhook key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { eq, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../db/database";
import { webhookSubscriptions } from "../db/schema";

export type Subscription = typeof webhookSubscriptions.$inferSelect;

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

/** The outbox kind of a webhook delivery (one message per event per subscriber). */
export const webhookKind = "webhook";

export function isWebhookSecret(secret: string): boolean {
  if (!secret.startsWith("whsec_")) return false;
  const bytes = Buffer.from(secret.slice(6), "base64");
  return bytes.length >= 24 && bytes.length <= 64;
}

export function encryptSecret(key: Buffer, id: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(id));
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString("base64url")).join(".");
}

export function decryptSecret(key: Buffer, id: string, stored: string): string {
  const [iv, ciphertext, tag] = stored.split(".").map((part) => Buffer.from(part, "base64url"));
  const decipher = createDecipheriv("aes-256-gcm", key, iv!).setAAD(Buffer.from(id)).setAuthTag(tag!);
  return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString("utf8");
}

/** Loopback, link-local, private, CGNAT, unspecified and unique-local addresses (v4 and v6). */
export function isInternalAddress(address: string): boolean {
  const v4 = isIP(address) === 4 ? address : /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (v4) {
    const [a, b] = v4.split(".").map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = address.toLowerCase();
  return v6 === "::" || v6 === "::1" || /^fe[89ab]/.test(v6) || /^f[cd]/.test(v6);
}

/**
 * Why a URL cannot be a webhook endpoint, or undefined. Production needs https and a host that
 * resolves only to public addresses (against SSRF); development allows http and localhost so tests run.
 */
export async function webhookUrlProblem(
  url: string,
  environment: "development" | "production",
  resolve: (host: string) => Promise<string[]> = async (host) => (await lookup(host, { all: true })).map((a) => a.address),
): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "--url must be an absolute URL, e.g. https://example.org/webhooks";
  }
  if (parsed.username || parsed.password) return "--url must not contain a user name or password";
  if (environment === "development") return parsed.protocol === "https:" || parsed.protocol === "http:" ? undefined : "--url must be http:// or https://";
  if (parsed.protocol !== "https:") return "--url must be https:// in production";
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch {
    return `--url's host ${host} does not resolve`;
  }
  if (addresses.length === 0 || addresses.some(isInternalAddress)) return `--url's host ${host} resolves to a loopback, link-local or private address`;
  return undefined;
}

export function addSubscription(db: IdentityDb, key: Buffer, input: { url: string; events: string[]; secret?: string }, now = Date.now()): { subscription: Subscription; secret: string } {
  const id = `wh_${randomBytes(9).toString("base64url")}`;
  const secret = input.secret ?? newWebhookSecret();
  const row: Subscription = {
    id,
    url: input.url,
    events: [...new Set(input.events)].join(","),
    secretEncrypted: encryptSecret(key, id, secret),
    createdAt: now,
    failingSince: null,
    disabledAt: null,
  };
  db.insert(webhookSubscriptions).values(row).run();
  return { subscription: row, secret };
}

export const listSubscriptions = (db: IdentityDb): Subscription[] => db.select().from(webhookSubscriptions).orderBy(webhookSubscriptions.createdAt).all();

// Read before every delivery: prepared once per connection.
const subscriptionById = perConnection((db: IdentityDb) =>
  db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, sql.placeholder("id"))).prepare(),
);

export const findSubscription = (db: IdentityDb, id: string): Subscription | undefined => subscriptionById(db).get({ id });

export function removeSubscription(db: IdentityDb, id: string): boolean {
  return db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).returning({ id: webhookSubscriptions.id }).all().length > 0;
}

/** A new secret (the old one stops at once); also re-enables a disabled subscriber. Null if unknown. */
export function rotateSubscriptionSecret(db: IdentityDb, key: Buffer, id: string, secret = newWebhookSecret()): string | null {
  const changed = db
    .update(webhookSubscriptions)
    .set({ secretEncrypted: encryptSecret(key, id, secret), disabledAt: null, failingSince: null })
    .where(eq(webhookSubscriptions.id, id))
    .returning({ id: webhookSubscriptions.id })
    .all();
  return changed.length ? secret : null;
}

// Read on every event (POST /trn-tokens writes one per token): prepared once per connection.
const subscribersOf = perConnection((db: IdentityDb) =>
  db
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(sql`${webhookSubscriptions.disabledAt} is null and instr(',' || ${webhookSubscriptions.events} || ',', ',' || ${sql.placeholder("type")} || ',') > 0`)
    .prepare(),
);

/** The enabled subscribers that asked for events of `type`. */
export function subscriberIds(db: IdentityDb, type: string): string[] {
  return subscribersOf(db)
    .all({ type })
    .map((row) => row.id);
}
