// identity's token-signing keys: an ES256 key (the default) and an RS256 key for clients that
// ask for it. Generated on first start, kept in the database, cached in memory. `kid` is the
// JWK thumbprint. Retired keys stay published in the JWKS until the tokens they signed expire.
import { and, eq, isNotNull, isNull, lt } from "drizzle-orm";
import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK, type JWTHeaderParameters, type FlattenedJWSInput } from "jose";
import { createPrivateKey, generateKeyPair, type KeyObject } from "node:crypto";
import type { IdentityDatabase } from "../db/database";
import { otherConnectionsVersion } from "../db/other-connections";
import { signingKeys } from "../db/schema";

export const signingAlgorithms = ["ES256", "RS256"] as const;
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

interface LoadedKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateKey: KeyObject;
  /** Imported the first time a token signed with it is verified. */
  publicKey(): Promise<CryptoKey>;
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
  /**
   * Starts making, in the background, a key for each algorithm that has none (the first start's
   * RS256 key). Without this call it is made when first needed (a JWKS fetch, an RS256 signature).
   */
  generateMissing(): void;
  /** Resolves when no key is being generated (shutdown waits for it before closing the database). */
  settled(): Promise<void>;
}

/**
 * node:crypto makes the pair on a worker thread, so the event loop keeps serving meanwhile (an
 * RSA-2048 pair takes 25 to 150 ms; WebCrypto's generateKey, which jose uses, blocks for it).
 */
function generatePair(alg: SigningAlgorithm): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      error ? reject(error) : resolve({ publicKey, privateKey });
    if (alg === "ES256") generateKeyPair("ec", { namedCurve: "P-256" }, done);
    else generateKeyPair("rsa", { modulusLength: 2048 }, done);
  });
}

async function newKeyRow(alg: SigningAlgorithm, now: number) {
  const { publicKey, privateKey } = await generatePair(alg);
  const publicJwk = publicKey.export({ format: "jwk" }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  const published: JWK = { ...publicJwk, kid, alg, use: "sig" };
  const privateJwk: JWK = { ...(privateKey.export({ format: "jwk" }) as JWK), kid, alg };
  return {
    kid,
    alg,
    privateJwk: JSON.stringify(privateJwk),
    publicJwk: JSON.stringify(published),
    createdAt: now,
  };
}

/**
 * Makes an active key for `alg` unless the table has one by the time it is made (another process,
 * e.g. `identity keys rotate`, may have added one meanwhile). Returns whether it added one.
 */
async function ensureSigningKey(db: IdentityDatabase, alg: SigningAlgorithm): Promise<boolean> {
  const row = await newKeyRow(alg, Date.now());
  return db.transaction(
    (tx) => {
      const active = tx
        .select({ kid: signingKeys.kid })
        .from(signingKeys)
        .where(and(eq(signingKeys.alg, alg), isNull(signingKeys.retiredAt)))
        .get();
      if (active) return false;
      tx.insert(signingKeys).values(row).run();
      return true;
    },
    { behavior: "immediate" },
  );
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
 * a check before each use (at most once per millisecond, see other-connections.ts) tells us when
 * to reload.
 *
 * First start (no keys yet): the ES256 key signs every access token, so it is made before the
 * store opens (about 1 ms). The RS256 key (RSA-2048) is made on a worker thread, from
 * generateMissing() (serve calls it once every service listens) or on first need; until it is
 * stored, the JWKS and any RS256 signature wait for it. So the JWKS always publishes both
 * algorithms (as discovery says), and no token is signed by a key the JWKS does not publish.
 */
export async function openSigningKeyStore(db: IdentityDatabase): Promise<SigningKeyStore> {
  const imported = new Map<string, { privateKey: KeyObject; publicKey: () => Promise<CryptoKey> }>();
  let keys: LoadedKey[] = [];
  let loadedVersion = -1;

  function load(version: number): void {
    const now = Date.now();
    const rows = db.select().from(signingKeys).all();
    const next: LoadedKey[] = [];
    for (const row of rows) {
      if (row.publishUntil !== null && row.publishUntil < now) continue;
      let pair = imported.get(row.kid);
      if (!pair) {
        let publicKey: Promise<CryptoKey> | undefined;
        pair = {
          privateKey: createPrivateKey({ key: JSON.parse(row.privateJwk), format: "jwk" }),
          publicKey: () => (publicKey ??= importJWK(JSON.parse(row.publicJwk), row.alg) as Promise<CryptoKey>),
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

  function current(): LoadedKey[] {
    const version = otherConnectionsVersion(db);
    if (version !== loadedVersion) load(version);
    return keys;
  }

  // Algorithms with no active key, each being made (at most one generation per algorithm at a time).
  const generating = new Map<SigningAlgorithm, Promise<void>>();
  function generate(alg: SigningAlgorithm): Promise<void> {
    let pending = generating.get(alg);
    if (!pending) {
      pending = ensureSigningKey(db, alg)
        // Our own commit does not change data_version (only other connections' do): reload here.
        .then(() => load(otherConnectionsVersion(db)))
        .finally(() => generating.delete(alg));
      generating.set(alg, pending);
    }
    return pending;
  }
  /** The active key for `alg`, waiting for it to be made if there is none (first start). */
  async function activeKey(alg: SigningAlgorithm): Promise<LoadedKey> {
    for (let attempt = 0; ; attempt++) {
      const key = current().find((k) => k.alg === alg && !k.retired);
      if (key) return key;
      if (attempt === 2) throw new Error(`no active ${alg} signing key`);
      await generate(alg);
    }
  }

  await activeKey("ES256");

  return {
    generateMissing() {
      for (const alg of signingAlgorithms) {
        if (!current().some((k) => k.alg === alg && !k.retired)) generate(alg).catch(() => {});
      }
    },
    async signingKey(alg = "ES256") {
      const key = await activeKey(alg);
      return { kid: key.kid, alg: key.alg, key: key.privateKey };
    },
    async jwks() {
      // Every algorithm discovery names has a key in the JWKS (the first start's RS256 may still be in the making).
      for (const alg of signingAlgorithms) await activeKey(alg);
      const now = Date.now();
      return { keys: current().filter((k) => k.publishUntil === null || k.publishUntil >= now).map((k) => k.publicJwk) };
    },
    async verificationKey(header) {
      const now = Date.now();
      const key = current().find(
        (k) => k.kid === header.kid && k.alg === header.alg && (k.publishUntil === null || k.publishUntil >= now),
      );
      if (!key) throw new UnknownKeyError();
      return key.publicKey();
    },
    async settled() {
      await Promise.allSettled([...generating.values()]);
    },
  };
}

export class UnknownKeyError extends Error {
  constructor() {
    super("the token was not signed by a key of this identity service");
    this.name = "UnknownKeyError";
  }
}
