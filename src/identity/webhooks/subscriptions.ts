// Webhook subscribers (Standard Webhooks): added, listed, removed and re-keyed by the operator
// (`teacher-id identity webhooks ...`), read by recordEvent (which enqueues one delivery per
// matching subscriber) and by the delivery handler. Secrets are `whsec_` + base64 of 32 random
// bytes, stored AES-256-GCM-encrypted under the key vault's webhook key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { and, asc, eq, gte, inArray, sql } from "drizzle-orm";
import { enqueueMessage } from "../../outbox/enqueue";
import { outbox } from "../../outbox/schema";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../db/database";
import { events, webhookSubscriptions } from "../db/schema";

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

// Where a webhook may never be sent in production (SSRF): this host, its networks, and addresses
// that are not the public internet. IPv4-mapped IPv6 (::ffff:a.b.c.d, also written ::ffff:7f00:1)
// is checked as the IPv4 address it maps to.
const internalRanges = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network", 0.0.0.0
  ["10.0.0.0", 8], // RFC 1918
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata)
  ["172.16.0.0", 12], // RFC 1918
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16], // RFC 1918
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) internalRanges.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["::", 96], // IPv4-compatible (deprecated)
  ["64:ff9b::", 96], // NAT64: reaches an IPv4 address through a gateway
  ["fc00::", 7], // unique local (ULA)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) internalRanges.addSubnet(network, prefix, "ipv6");

/** Loopback, link-local, private (RFC 1918, ULA), CGNAT, unspecified, multicast and reserved addresses, v4 and v6. Not an IP address: true. */
export function isInternalAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 4) return internalRanges.check(bare, "ipv4");
  if (family !== 6) return true;
  const mapped = mappedIpv4(bare);
  if (mapped) return internalRanges.check(mapped, "ipv4");
  return internalRanges.check(bare, "ipv6");
}

/** The IPv4 address an IPv4-mapped IPv6 address (::ffff:0:0/96, in any spelling) stands for. */
function mappedIpv4(v6: string): string | undefined {
  let text = v6.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a, b, c, d] = dotted.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  if (groups.length !== 8) return undefined;
  const values = groups.map((g) => parseInt(g, 16));
  if (values.slice(0, 5).some((v) => v !== 0) || values[5] !== 0xffff) return undefined;
  return [values[6]! >> 8, values[6]! & 255, values[7]! >> 8, values[7]! & 255].join(".");
}

/** How a host name becomes addresses (injectable in tests). */
export type Resolver = (host: string) => Promise<string[]>;

/** The system resolver, every address (A and AAAA). */
export const resolveHost: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Why a URL cannot be a webhook endpoint, or undefined. Production needs https and a host that
 * resolves only to public addresses (against SSRF); development allows http and localhost so tests run.
 */
export async function webhookUrlProblem(
  url: string,
  environment: "development" | "production",
  resolve: Resolver = resolveHost,
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
  const internal = addresses.find(isInternalAddress);
  if (addresses.length === 0) return `--url's host ${host} does not resolve`;
  if (internal) return `--url's host ${host} resolves to ${internal}, a loopback, link-local or private address (refused in production)`;
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

/** A new secret (the old one stops at once). Null if unknown. A disabled subscriber stays disabled: enableSubscription. */
export function rotateSubscriptionSecret(db: IdentityDb, key: Buffer, id: string, secret = newWebhookSecret()): string | null {
  const changed = db
    .update(webhookSubscriptions)
    .set({ secretEncrypted: encryptSecret(key, id, secret) })
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

/**
 * Enables a disabled (or failing) subscriber again: its deliveries that failed while it was failing
 * (younger than `maxAgeMs`, the outbox's OUTBOX_MAX_AGE) are due again now, and the events of its
 * types recorded while it was disabled are queued for it (each once: the dedupe key), all in event
 * order. Returns how many deliveries it queued, or null for an unknown id.
 */
export function enableSubscription(db: IdentityDb, id: string, maxAgeMs: number, now = Date.now()): number | null {
  return db.transaction((tx) => {
    const subscription = findSubscription(tx, id);
    if (!subscription) return null;
    const since = now - maxAgeMs;
    tx.update(webhookSubscriptions).set({ disabledAt: null, failingSince: null }).where(eq(webhookSubscriptions.id, id)).run();
    const requeued = tx
      .update(outbox)
      .set({ status: "pending", attempts: 0, nextAttemptAt: now, claimedUntil: null, createdAt: now })
      .where(
        and(
          eq(outbox.kind, webhookKind),
          eq(outbox.status, "failed"),
          gte(outbox.createdAt, since),
          sql`json_extract(${outbox.payload}, '$.subscriptionId') = ${id} and json_extract(${outbox.payload}, '$.ping') is null`,
        ),
      )
      .returning({ id: outbox.id })
      .all().length;
    let queued = 0;
    if (subscription.disabledAt !== null) {
      const types = subscription.events.split(",");
      const missed = tx
        .select({ id: events.id })
        .from(events)
        .where(and(gte(events.time, subscription.disabledAt), inArray(events.type, types)))
        .orderBy(asc(events.id))
        .all();
      for (const event of missed) {
        if (enqueueMessage(tx, { kind: webhookKind, payload: { subscriptionId: id, eventId: event.id }, dedupeKey: `webhook:${id}:${event.id}` }, now) !== undefined) queued++;
      }
    }
    return requeued + queued;
  });
}
