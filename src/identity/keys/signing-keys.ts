// identity's token-signing keys: an ES256 key (the default) and an RS256 key for clients that
// ask for it. Generated on first start, kept in the database with the private half encrypted
// (key-vault.ts), cached in memory. `kid` is the JWK thumbprint. Retired keys stay published in
// the JWKS until the tokens they signed expire.
import { actor, recordEvent, subject } from "../events/events";
import { and, eq, isNotNull, isNull, lt } from "drizzle-orm";
import { calculateJwkThumbprint, importJWK, type CryptoKey, type JWK, type JWTHeaderParameters, type FlattenedJWSInput } from "jose";
import { createPrivateKey, generateKeyPair, type JsonWebKeyInput, type KeyObject } from "node:crypto";
import type { Logger } from "../../log/logger";
import type { IdentityDatabaseFile } from "../db/database";
import { otherConnectionsVersion } from "../db/other-connections";
import { signingKeys } from "../db/schema";
import { isPlainJwk, type KeyVault } from "./key-vault";

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

async function newKeyRow(vault: KeyVault, alg: SigningAlgorithm, now: number) {
  const { publicKey, privateKey } = await generatePair(alg);
  const publicJwk = publicKey.export({ format: "jwk" }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  const published: JWK = { ...publicJwk, kid, alg, use: "sig" };
  const privateJwk: JWK = { ...(privateKey.export({ format: "jwk" }) as JWK), kid, alg };
  return {
    kid,
    alg,
    privateJwk: await vault.encryptPrivateJwk(kid, privateJwk),
    publicJwk: JSON.stringify(published),
    createdAt: now,
  };
}

/**
 * Makes an active key for `alg` unless the table has one by the time it is made (another process,
 * e.g. `identity keys rotate`, may have added one meanwhile). Returns whether it added one.
 */
async function ensureSigningKey(db: IdentityDatabaseFile, vault: KeyVault, alg: SigningAlgorithm): Promise<boolean> {
  const row = await newKeyRow(vault, alg, Date.now());
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
  db: IdentityDatabaseFile,
  vault: KeyVault,
  options: { keepPublishedMs: number; now?: number; by?: string; reason?: string },
): Promise<{ kid: string; alg: SigningAlgorithm }[]> {
  const now = options.now ?? Date.now();
  // Generate outside the transaction (async), then switch over in one synchronous transaction.
  const fresh = await Promise.all(signingAlgorithms.map((alg) => newKeyRow(vault, alg, now)));
  db.transaction((tx) => {
    tx.update(signingKeys)
      .set({ retiredAt: now, publishUntil: now + options.keepPublishedMs })
      .where(isNull(signingKeys.retiredAt))
      .run();
    for (const row of fresh) tx.insert(signingKeys).values(row).run();
    // Keys whose last token has expired are no longer needed by anyone.
    tx.delete(signingKeys).where(and(isNotNull(signingKeys.publishUntil), lt(signingKeys.publishUntil, now))).run();
    recordEvent(
      tx,
      { type: "SigningKeyRotated", actor: options.by ?? actor.operator(), subject: subject.identity(), payload: { kids: fresh.map((row) => row.kid), ...(options.reason === undefined ? {} : { reason: options.reason }) } },
      now,
    );
  });
  return fresh.map(({ kid, alg }) => ({ kid, alg }));
}

/**
 * Encrypts, in place, private keys an older version stored as plain JWK, then checkpoints so the
 * plain copies leave the -wal file too (secure_delete, set on every connection, zeroes them in the
 * database file). Returns how many it found.
 */
export async function encryptPlainKeys(db: IdentityDatabaseFile, vault: KeyVault): Promise<number> {
  const plain = db.select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk }).from(signingKeys).all().filter((row) => isPlainJwk(row.privateJwk));
  if (plain.length === 0) return 0;
  const encrypted = await Promise.all(
    plain.map(async (row) => ({ ...row, sealed: await vault.encryptPrivateJwk(row.kid, JSON.parse(row.privateJwk)) })),
  );
  db.transaction((tx) => {
    for (const row of encrypted) {
      // Only if still the plain value we read (another process may have done it meanwhile).
      tx.update(signingKeys)
        .set({ privateJwk: row.sealed })
        .where(and(eq(signingKeys.kid, row.kid), eq(signingKeys.privateJwk, row.privateJwk)))
        .run();
    }
  });
  db.$client.run("PRAGMA wal_checkpoint(TRUNCATE)");
  return plain.length;
}

/**
 * Keys cached in memory. Another process (the `identity keys rotate` command) may change the
 * table while we run: SQLite's `PRAGMA data_version` changes when another connection commits, so
 * a check before each use (at most once per millisecond, see other-connections.ts) tells us when
 * to reload. A reload decrypts only keys it has not seen before.
 *
 * First start (no keys yet): the ES256 key signs every access token, so it is made before the
 * store opens (about 1 ms). The RS256 key (RSA-2048) is made on a worker thread, from
 * generateMissing() (serve calls it once every service listens) or on first need; until it is
 * stored, the JWKS and any RS256 signature wait for it. So the JWKS always publishes both
 * algorithms (as discovery says), and no token is signed by a key the JWKS does not publish.
 *
 * Keys an older version stored unencrypted are encrypted first (encryptPlainKeys).
 */
export async function openSigningKeyStore(db: IdentityDatabaseFile, vault: KeyVault, logger?: Logger): Promise<SigningKeyStore> {
  const encrypted = await encryptPlainKeys(db, vault);
  if (encrypted > 0) logger?.info("signing_keys_encrypted", { keys: encrypted });
  const imported = new Map<string, { privateKey: KeyObject; publicKey: () => Promise<CryptoKey> }>();
  let keys: LoadedKey[] = [];
  let loadedVersion = -1;

  async function load(version: number): Promise<void> {
    const now = Date.now();
    const rows = db.select().from(signingKeys).all();
    const live = rows.filter((row) => row.publishUntil === null || row.publishUntil >= now);
    await Promise.all(
      live
        .filter((row) => !imported.has(row.kid))
        .map(async (row) => {
          const privateJwk = await vault.decryptPrivateJwk(row.kid, row.privateJwk);
          let publicKey: Promise<CryptoKey> | undefined;
          imported.set(row.kid, {
            privateKey: createPrivateKey({ key: privateJwk as JsonWebKeyInput["key"], format: "jwk" }),
            publicKey: () => (publicKey ??= importJWK(JSON.parse(row.publicJwk), row.alg) as Promise<CryptoKey>),
          });
        }),
    );
    const next: LoadedKey[] = live.map((row) => ({
      kid: row.kid,
      alg: row.alg,
      publicJwk: JSON.parse(row.publicJwk),
      ...imported.get(row.kid)!,
      retired: row.retiredAt !== null,
      createdAt: row.createdAt,
      publishUntil: row.publishUntil,
    }));
    // Newest first, so the newest active key of an algorithm signs.
    keys = next.sort((a, b) => Number(a.retired) - Number(b.retired) || b.createdAt - a.createdAt);
    loadedVersion = version;
  }

  // Loads run one after another (decrypting is async), so the load that read the newest rows is
  // always the last to set `keys`. Callers that see the same new version share one load.
  let queue: Promise<void> = Promise.resolve();
  let queued: { version: number; done: Promise<void> } | undefined;
  function reload(version: number, force = false): Promise<void> {
    if (!force && queued?.version === version) return queued.done;
    const done = queue.then(() => load(version));
    queue = done.catch(() => {});
    queued = { version, done };
    return done;
  }
  async function current(): Promise<LoadedKey[]> {
    let version = otherConnectionsVersion(db);
    while (version !== loadedVersion) {
      await reload(version);
      version = otherConnectionsVersion(db);
    }
    return keys;
  }

  // Algorithms with no active key, each being made (at most one generation per algorithm at a time).
  const generating = new Map<SigningAlgorithm, Promise<void>>();
  function generate(alg: SigningAlgorithm): Promise<void> {
    let pending = generating.get(alg);
    if (!pending) {
      pending = ensureSigningKey(db, vault, alg)
        // Our own commit does not change data_version (only other connections' do): reload here.
        .then(() => reload(otherConnectionsVersion(db), true))
        .finally(() => generating.delete(alg));
      generating.set(alg, pending);
    }
    return pending;
  }
  /** The active key for `alg`, waiting for it to be made if there is none (first start). */
  async function activeKey(alg: SigningAlgorithm): Promise<LoadedKey> {
    for (let attempt = 0; ; attempt++) {
      const key = (await current()).find((k) => k.alg === alg && !k.retired);
      if (key) return key;
      if (attempt === 2) throw new Error(`no active ${alg} signing key`);
      await generate(alg);
    }
  }

  await activeKey("ES256");

  return {
    generateMissing() {
      void current().then((loaded) => {
        for (const alg of signingAlgorithms) {
          if (!loaded.some((k) => k.alg === alg && !k.retired)) generate(alg).catch(() => {});
        }
      }, () => {});
    },
    async signingKey(alg = "ES256") {
      const key = await activeKey(alg);
      return { kid: key.kid, alg: key.alg, key: key.privateKey };
    },
    async jwks() {
      // Every algorithm discovery names has a key in the JWKS (the first start's RS256 may still be in the making).
      for (const alg of signingAlgorithms) await activeKey(alg);
      const now = Date.now();
      return { keys: (await current()).filter((k) => k.publishUntil === null || k.publishUntil >= now).map((k) => k.publicJwk) };
    },
    async verificationKey(header) {
      const now = Date.now();
      const key = (await current()).find(
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
