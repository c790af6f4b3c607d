// identity's token-signing keys: an ES256 key (the default) and an RS256 key for clients that
// ask for it. Generated on first start, kept in the database, cached in memory. `kid` is the
// JWK thumbprint. Retired keys stay published in the JWKS until the tokens they signed expire.
import { and, isNotNull, isNull, lt } from "drizzle-orm";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
  type FlattenedJWSInput,
} from "jose";
import { createPrivateKey, type KeyObject } from "node:crypto";
import type { IdentityDatabase } from "../db/database";
import { signingKeys } from "../db/schema";

export const signingAlgorithms = ["ES256", "RS256"] as const;
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateKey: KeyObject;
  publicKey: CryptoKey;
  retired: boolean;
  createdAt: number;
  publishUntil: number | null;
}

export interface SigningKeyStore {
  /** The key that signs new tokens with `alg` (ES256 unless a client asked for RS256). */
  signingKey(alg?: SigningAlgorithm): Promise<{ kid: string; alg: SigningAlgorithm; key: KeyObject }>;
  /** The public keys to publish at /.well-known/jwks.json. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** A jose key getter: the public key for a token's `kid`, for tokens this identity signed. */
  verificationKey(header: JWTHeaderParameters, token?: FlattenedJWSInput): Promise<CryptoKey>;
}

async function newKeyRow(alg: SigningAlgorithm, now: number) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const published: JWK = { ...publicJwk, kid, alg, use: "sig" };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg };
  return {
    kid,
    alg,
    privateJwk: JSON.stringify(privateJwk),
    publicJwk: JSON.stringify(published),
    createdAt: now,
  };
}

/** Creates an active key for each algorithm that has none (first start). */
export async function ensureSigningKeys(db: IdentityDatabase, now = Date.now()): Promise<void> {
  const active = db.select({ alg: signingKeys.alg }).from(signingKeys).where(isNull(signingKeys.retiredAt)).all();
  for (const alg of signingAlgorithms) {
    if (active.some((row) => row.alg === alg)) continue;
    db.insert(signingKeys).values(await newKeyRow(alg, now)).run();
  }
}

/**
 * New keys take over signing at once; the old ones stay in the JWKS for `keepPublishedMs` (the
 * longest lifetime of a token they could have signed) and are then dropped. Returns the new kids.
 */
export async function rotateSigningKeys(
  db: IdentityDatabase,
  options: { keepPublishedMs: number; now?: number },
): Promise<{ kid: string; alg: SigningAlgorithm }[]> {
  const now = options.now ?? Date.now();
  // Generate outside the transaction (async), then switch over in one synchronous transaction.
  const fresh = await Promise.all(signingAlgorithms.map((alg) => newKeyRow(alg, now)));
  db.transaction((tx) => {
    tx.update(signingKeys)
      .set({ retiredAt: now, publishUntil: now + options.keepPublishedMs })
      .where(isNull(signingKeys.retiredAt))
      .run();
    for (const row of fresh) tx.insert(signingKeys).values(row).run();
    // Keys whose last token has expired are no longer needed by anyone.
    tx.delete(signingKeys).where(and(isNotNull(signingKeys.publishUntil), lt(signingKeys.publishUntil, now))).run();
  });
  return fresh.map(({ kid, alg }) => ({ kid, alg }));
}

/**
 * Keys cached in memory. Another process (the `identity keys rotate` command) may change the
 * table while we run: SQLite's `PRAGMA data_version` changes when another connection commits, so
 * a cheap check before each use tells us when to reload.
 */
export async function openSigningKeyStore(db: IdentityDatabase): Promise<SigningKeyStore> {
  await ensureSigningKeys(db);
  const dataVersion = db.$client.query<{ data_version: number }, []>("PRAGMA data_version");
  const imported = new Map<string, { privateKey: KeyObject; publicKey: CryptoKey }>();
  let keys: LoadedKey[] = [];
  let loadedVersion = -1;
  let loading: Promise<void> | undefined;

  async function load(version: number): Promise<void> {
    const now = Date.now();
    const rows = db.select().from(signingKeys).all();
    const next: LoadedKey[] = [];
    for (const row of rows) {
      if (row.publishUntil !== null && row.publishUntil < now) continue;
      let pair = imported.get(row.kid);
      if (!pair) {
        pair = {
          privateKey: createPrivateKey({ key: JSON.parse(row.privateJwk), format: "jwk" }),
          publicKey: (await importJWK(JSON.parse(row.publicJwk), row.alg)) as CryptoKey,
        };
        imported.set(row.kid, pair);
      }
      next.push({
        kid: row.kid,
        alg: row.alg,
        publicJwk: JSON.parse(row.publicJwk),
        ...pair,
        retired: row.retiredAt !== null,
        createdAt: row.createdAt,
        publishUntil: row.publishUntil,
      });
    }
    // Newest first, so the newest active key of an algorithm signs.
    keys = next.sort((a, b) => Number(a.retired) - Number(b.retired) || b.createdAt - a.createdAt);
    loadedVersion = version;
  }

  async function current(): Promise<LoadedKey[]> {
    const version = dataVersion.get()!.data_version;
    if (version !== loadedVersion) {
      loading ??= load(version).finally(() => (loading = undefined));
      await loading;
    }
    return keys;
  }

  await current();
  return {
    async signingKey(alg = "ES256") {
      const key = (await current()).find((k) => k.alg === alg && !k.retired);
      if (!key) throw new Error(`no active ${alg} signing key`);
      return { kid: key.kid, alg: key.alg, key: key.privateKey };
    },
    async jwks() {
      const now = Date.now();
      return {
        keys: (await current()).filter((k) => k.publishUntil === null || k.publishUntil >= now).map((k) => k.publicJwk),
      };
    },
    async verificationKey(header) {
      const now = Date.now();
      const key = (await current()).find(
        (k) => k.kid === header.kid && k.alg === header.alg && (k.publishUntil === null || k.publishUntil >= now),
      );
      if (!key) throw new UnknownKeyError();
      return key.publicKey;
    },
  };
}

export class UnknownKeyError extends Error {
  constructor() {
    super("the token was not signed by a key of this identity service");
    this.name = "UnknownKeyError";
  }
}
