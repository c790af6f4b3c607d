// The OAuth client registry. A client's secret is shown once, when made, and stored only as its
// SHA-256: secrets are 256 random bits, so a fast hash is safe (no brute force can reach them)
// and keeps POST /token fast.
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { constantTimeEqual, randomToken, sha256 } from "../../security/tokens";
import { bidiControlMessage, hasBidiControl } from "../../text/names";
import { changedRows } from "../../db/changed-rows";
import type { IdentityDatabaseFile } from "../db/database";
import type { IdentityDb } from "../db/database";
import { otherConnectionsVersion } from "../db/other-connections";
import { clients } from "../db/schema";
import { actor, recordEvent, subject } from "../events/events";

/** Who changes a client, for its ClientChanged event: the command line unless said otherwise. */
export interface ChangedBy {
  by?: string;
}

function clientChanged(db: IdentityDb, clientId: string, by: string | undefined, payload: Record<string, unknown>, now = Date.now()): void {
  recordEvent(db, { type: "ClientChanged", actor: by ?? actor.operator(), subject: subject.client(clientId), payload: { clientId, ...payload } }, now);
}

/** Scopes for people (authorization code) and for machines (client credentials). */
export const userScopes = ["openid", "email", "phone", "profile", "trn", "dqt:read"] as const;
export const machineScopes = ["trn_token:write", "itt_outcome:write", "qts:write", "induction:write", "teachers:read", "teachers:match", "users:read", "users:write"] as const;
/**
 * The one user scope a machine client may hold: with users:read, `phone` lets the Users API return
 * phone numbers (without it, none is ever returned).
 */
export const machinePhoneScope = "phone";
/** The most requests a minute a client may be given (`clients add --rate-limit`). */
export const maxClientRateLimit = 10_000_000;
/** Registered like scopes, never put in a token: `introspect` lets a resource server call POST /introspect. */
export const clientPermissions = ["introspect"] as const;
/** What tokens can carry (and discovery lists). */
export const tokenScopes: readonly string[] = [...userScopes, ...machineScopes];
export const knownScopes: readonly string[] = [...tokenScopes, ...clientPermissions];
export const grantTypes = ["authorization_code", "refresh_token", "client_credentials"] as const;
export type GrantType = (typeof grantTypes)[number];

export interface Client {
  clientId: string;
  name: string;
  secretHash: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  initiateLoginUri: string | null;
  grantTypes: GrantType[];
  scopes: string[];
  /** ES256 unless the client registered for RS256. */
  idTokenSignedResponseAlg: "ES256" | "RS256";
  createdAt: number;
  secretRotatedAt: number | null;
  /** Requests a minute this client may make to each API; null: the service's API_RATE_LIMIT. */
  rateLimit: number | null;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** An absolute URL without a fragment; https unless it points at this machine (development). */
const clientUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      if (url.hash || value.includes("#")) return false;
      if (url.protocol === "https:") return true;
      return url.protocol === "http:" && loopbackHosts.has(url.hostname);
    } catch {
      return false;
    }
  },
  { message: "must be an absolute https:// URL without a #fragment (http:// only for localhost or 127.0.0.1)" },
);

/** Requests a minute: a whole number from 1 to maxClientRateLimit (the CLI gives it as text). */
export const rateLimitSchema = z.coerce
  .number({ error: "must be a whole number of requests a minute" })
  .int("must be a whole number of requests a minute")
  .min(1, "must be at least 1")
  .max(maxClientRateLimit, `must be ${maxClientRateLimit} or less`);

export const newClientSchema = z
  .object({
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, "must be 3 to 64 letters, digits, dots, dashes or underscores"),
    // Shown to teachers ("to continue to ..."): no bidi control may make it read as another name.
    name: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(100, "must be 100 characters or fewer")
      .refine((name) => !hasBidiControl(name), bidiControlMessage),
    grantTypes: z
      .array(z.enum(grantTypes, { error: `must each be one of ${grantTypes.join(", ")}` }))
      .min(1, "must name at least one grant type"),
    scopes: z
      .array(z.string().refine((s) => knownScopes.includes(s), { message: `must each be one of ${knownScopes.join(", ")}` }))
      .min(1, "must name at least one scope"),
    redirectUris: z.array(clientUrl).default([]),
    postLogoutRedirectUris: z.array(clientUrl).default([]),
    initiateLoginUri: clientUrl.optional(),
    idTokenSignedResponseAlg: z.enum(["ES256", "RS256"], { error: "must be ES256 or RS256" }).default("ES256"),
    rateLimit: rateLimitSchema.nullish().transform((limit) => limit ?? null),
  })
  .superRefine((client, ctx) => {
    const browser = client.grantTypes.includes("authorization_code");
    if (browser && client.redirectUris.length === 0) {
      ctx.addIssue({ code: "custom", path: ["redirectUris"], message: "are required for the authorization_code grant" });
    }
    if (browser && !client.scopes.includes("openid")) {
      ctx.addIssue({ code: "custom", path: ["scopes"], message: "must include openid for the authorization_code grant" });
    }
    if (client.grantTypes.includes("refresh_token") && !browser) {
      ctx.addIssue({ code: "custom", path: ["grantTypes"], message: "refresh_token needs authorization_code too" });
    }
    if (!browser && (client.redirectUris.length || client.postLogoutRedirectUris.length || client.initiateLoginUri)) {
      ctx.addIssue({ code: "custom", path: ["redirectUris"], message: "are only for clients with the authorization_code grant" });
    }
    const phoneForUsersApi = (s: string) => s === machinePhoneScope && client.scopes.includes("users:read");
    const userScopeOnMachine = client.scopes.find((s) => (userScopes as readonly string[]).includes(s) && !phoneForUsersApi(s));
    if (!browser && userScopeOnMachine) {
      ctx.addIssue({
        code: "custom",
        path: ["scopes"],
        message:
          userScopeOnMachine === machinePhoneScope
            ? "'phone' on a client_credentials client goes with users:read (the Users API returns phone numbers only then)"
            : `'${userScopeOnMachine}' is a scope for signed-in users: it needs the authorization_code grant`,
      });
    }
  });
export type NewClient = z.input<typeof newClientSchema>;

/**
 * The client rules for an environment. In production every URL must be https: an http://localhost
 * redirect URI would send codes to whatever listens on the machine where the browser runs.
 */
export function newClientSchemaFor(environment: "development" | "production") {
  if (environment !== "production") return newClientSchema;
  return newClientSchema.superRefine((client, ctx) => {
    const urls = [
      ...client.redirectUris.map((url, i) => ({ url, path: ["redirectUris", i] })),
      ...client.postLogoutRedirectUris.map((url, i) => ({ url, path: ["postLogoutRedirectUris", i] })),
      ...(client.initiateLoginUri ? [{ url: client.initiateLoginUri, path: ["initiateLoginUri"] }] : []),
    ];
    for (const { url, path } of urls) {
      if (!url.startsWith("https://")) {
        ctx.addIssue({ code: "custom", path, message: `must be https:// when ENVIRONMENT=production (got ${url}; http://localhost is for development only)` });
      }
    }
  });
}

type ClientRow = typeof clients.$inferSelect;

function fromRow(row: ClientRow): Client {
  return {
    clientId: row.clientId,
    name: row.name,
    secretHash: row.secretHash,
    redirectUris: JSON.parse(row.redirectUris),
    postLogoutRedirectUris: JSON.parse(row.postLogoutRedirectUris),
    initiateLoginUri: row.initiateLoginUri,
    grantTypes: JSON.parse(row.grantTypes),
    scopes: JSON.parse(row.scopes),
    idTokenSignedResponseAlg: row.idTokenSignedResponseAlg,
    createdAt: row.createdAt,
    secretRotatedAt: row.secretRotatedAt,
    rateLimit: row.rateLimit,
  };
}

// POST /token looks a client up on every call. Clients found are kept in memory per database and
// dropped when another connection has committed (the `identity clients` commands run in another
// process; seen within otherConnectionsCheckMs) or when this one changes a client; a client not
// found is always looked for again (so nothing unbounded is kept).
const caches = new WeakMap<IdentityDatabaseFile, ClientCache>();
interface ClientCache {
  find: ReturnType<typeof prepareFind>;
  version: number;
  clients: Map<string, Client>;
}
const prepareFind = (db: IdentityDatabaseFile) =>
  db.select().from(clients).where(eq(clients.clientId, sql.placeholder("clientId"))).prepare();

function clientCache(db: IdentityDatabaseFile): ClientCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { find: prepareFind(db), version: -1, clients: new Map() }));
  const version = otherConnectionsVersion(db);
  if (version !== cache.version) {
    cache.clients.clear();
    cache.version = version;
  }
  return cache;
}

/** This connection's own commits do not move data_version: forget what it changed. */
const forgetClient = (db: IdentityDatabaseFile, clientId: string) => caches.get(db)?.clients.delete(clientId);

/** The client, or null. The value is shared: do not change it. */
export function findClient(db: IdentityDatabaseFile, clientId: string): Client | null {
  const cache = clientCache(db);
  let client = cache.clients.get(clientId);
  if (!client) {
    const row = cache.find.get({ clientId });
    if (!row) return null;
    cache.clients.set(clientId, (client = fromRow(row)));
  }
  return client;
}

export function listClients(db: IdentityDatabaseFile): Client[] {
  return db.select().from(clients).orderBy(clients.clientId).all().map(fromRow);
}

export class ClientExistsError extends Error {
  constructor(clientId: string) {
    super(`A client with id '${clientId}' already exists.`);
    this.name = "ClientExistsError";
  }
}

/**
 * Registers a client (input must already have passed newClientSchema). Returns the secret, the
 * only time it exists outside the caller's hands; `secret` lets an operator supply their own.
 */
export function createClient(
  db: IdentityDatabaseFile,
  input: Omit<z.output<typeof newClientSchema>, "idTokenSignedResponseAlg" | "rateLimit"> & {
    idTokenSignedResponseAlg?: "ES256" | "RS256";
    rateLimit?: number | null;
  },
  options: { secret?: string; now?: number } & ChangedBy = {},
): { client: Client; secret: string } {
  const secret = options.secret ?? randomToken();
  const now = options.now ?? Date.now();
  const row: ClientRow = {
    clientId: input.clientId,
    name: input.name,
    secretHash: sha256(secret),
    redirectUris: JSON.stringify(input.redirectUris),
    postLogoutRedirectUris: JSON.stringify(input.postLogoutRedirectUris),
    initiateLoginUri: input.initiateLoginUri ?? null,
    grantTypes: JSON.stringify([...new Set(input.grantTypes)]),
    scopes: JSON.stringify([...new Set(input.scopes)]),
    idTokenSignedResponseAlg: input.idTokenSignedResponseAlg ?? "ES256",
    createdAt: now,
    secretRotatedAt: null,
    rateLimit: input.rateLimit ?? null,
  };
  const inserted = db.transaction((tx) => {
    const inserted = changedRows(tx.insert(clients).values(row).onConflictDoNothing().run());
    if (inserted) clientChanged(tx, input.clientId, options.by, { change: "added", scopes: [...new Set(input.scopes)], grantTypes: [...new Set(input.grantTypes)] }, now);
    return inserted;
  });
  if (inserted === 0) throw new ClientExistsError(input.clientId);
  forgetClient(db, input.clientId);
  return { client: fromRow(row), secret };
}

/** Removes a client; its tokens stop working at identity as they expire (at most ACCESS_TOKEN_TTL). */
export function removeClient(db: IdentityDatabaseFile, clientId: string, options: ChangedBy = {}): boolean {
  const removed = db.transaction((tx) => {
    const removed = changedRows(tx.delete(clients).where(eq(clients.clientId, clientId)).run()) > 0;
    if (removed) clientChanged(tx, clientId, options.by, { change: "removed" });
    return removed;
  });
  forgetClient(db, clientId);
  return removed;
}

/** Adds scopes (and grant types) a client lacks (an upgrade gives an internal client a new one); true when it changed. */
export function addClientScopes(
  db: IdentityDatabaseFile,
  clientId: string,
  scopes: readonly string[],
  grants: readonly string[] = [],
  options: ChangedBy = {},
): boolean {
  const client = findClient(db, clientId);
  if (!client) return false;
  const missing = scopes.filter((s) => !client.scopes.includes(s));
  const missingGrants = grants.filter((g) => !(client.grantTypes as readonly string[]).includes(g));
  if (missing.length === 0 && missingGrants.length === 0) return false;
  db.transaction((tx) => {
    tx.update(clients)
      .set({ scopes: JSON.stringify([...client.scopes, ...missing]), grantTypes: JSON.stringify([...client.grantTypes, ...missingGrants]) })
      .where(eq(clients.clientId, clientId))
      .run();
    clientChanged(tx, clientId, options.by, { change: "scopes-added", scopes: missing, grantTypes: missingGrants });
  });
  forgetClient(db, clientId);
  return true;
}

/** Sets a client's requests a minute (null: the service's API_RATE_LIMIT); false when there is no such client. */
export function setClientRateLimit(db: IdentityDatabaseFile, clientId: string, rateLimit: number | null, options: ChangedBy = {}): boolean {
  const changed = db.transaction((tx) => {
    const changed = changedRows(tx.update(clients).set({ rateLimit }).where(eq(clients.clientId, clientId)).run()) > 0;
    if (changed) clientChanged(tx, clientId, options.by, { change: "rate-limit-set", rateLimit });
    return changed;
  });
  forgetClient(db, clientId);
  return changed;
}

/** Replaces a client's secret; the old one stops working at once. Returns the new secret, or null. */
export function rotateClientSecret(db: IdentityDatabaseFile, clientId: string, options: { secret?: string; now?: number } & ChangedBy = {}): string | null {
  const secret = options.secret ?? randomToken();
  const now = options.now ?? Date.now();
  const changed = db.transaction((tx) => {
    const changed = changedRows(tx.update(clients).set({ secretHash: sha256(secret), secretRotatedAt: now }).where(eq(clients.clientId, clientId)).run());
    // Never the secret, nor its hash.
    if (changed) clientChanged(tx, clientId, options.by, { change: "secret-rotated" }, now);
    return changed;
  });
  forgetClient(db, clientId);
  return changed > 0 ? secret : null;
}

export function secretMatches(client: Client, presented: string): boolean {
  return constantTimeEqual(sha256(presented), client.secretHash);
}
