// identity's secrets at rest: the private signing keys are stored encrypted (JWE, alg "dir",
// enc A256GCM, by jose) under a key derived from SIGNING_KEY_PASSPHRASE, and the key that HMACs
// security codes is derived from the same passphrase. Someone who reads identity.sqlite (or a
// backup of it) without the passphrase can neither sign tokens nor reverse a code.
//
// The passphrase goes through scrypt once per process (N=2^13, r=8: about 20 ms of one core and
// 8 MiB here), with a random salt kept in identity's `settings` table. HKDF then splits the result
// into the key-encryption key, the security-code key and a check value: the check tells a wrong
// passphrase apart at once, before anything is written with it.
import { eq } from "drizzle-orm";
import { hkdfSync, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { CompactEncrypt, compactDecrypt, type JWK } from "jose";
import { ConfigError } from "../../config/config";
import type { IdentityDatabaseFile } from "../db/database";
import { settings } from "../db/schema";

/**
 * Used when SIGNING_KEY_PASSPHRASE is unset in development only (production refuses to start
 * without one). It is public, so it protects nothing: it keeps one code path for both.
 */
export const developmentPassphrase = "development-only: not a secret";

/** The passphrase identity uses: the setting, or in development the documented default. */
export function signingKeyPassphrase(config: { ENVIRONMENT: string; SIGNING_KEY_PASSPHRASE?: string }): string {
  if (config.SIGNING_KEY_PASSPHRASE) return config.SIGNING_KEY_PASSPHRASE;
  if (config.ENVIRONMENT === "production") {
    throw new ConfigError(["SIGNING_KEY_PASSPHRASE is required when ENVIRONMENT=production (it encrypts the signing keys)"]);
  }
  return developmentPassphrase;
}

/** Stops start-up (exit 78, as for any bad setting) rather than run with keys it cannot read. */
export class WrongPassphraseError extends ConfigError {
  constructor(detail: string) {
    super([`SIGNING_KEY_PASSPHRASE ${detail}`]);
    this.name = "WrongPassphraseError";
  }
}

export interface KeyVault {
  /** A private JWK as stored: a JWE compact string bound to the key's `kid`. */
  encryptPrivateJwk(kid: string, jwk: JWK): Promise<string>;
  /** The private JWK from its stored form (a plain JSON JWK from an older version is read as is). */
  decryptPrivateJwk(kid: string, stored: string): Promise<JWK>;
  /** HMAC key for security codes (see security-codes.ts). */
  securityCodeKey: Buffer;
  /** AES-256-GCM key for webhook signing secrets (webhooks/subscriptions.ts): they must stay usable, so not hashed. */
  webhookSecretKey: Buffer;
  /** AES-256-GCM key for the support console's staff TOTP secrets (admin/staff/): usable, so not hashed. */
  staffTotpKey: Buffer;
}

/** How the passphrase became keys; stored once per database. */
interface Derivation {
  kdf: "scrypt";
  N: number;
  r: number;
  p: number;
  salt: string;
  /** HKDF(root, "passphrase check"): equal only for the right passphrase. */
  check: string;
}

const settingKey = "secrets_key_derivation";
const scryptCost = { N: 2 ** 13, r: 8, p: 1 };

function deriveRoot(passphrase: string, d: Pick<Derivation, "N" | "r" | "p" | "salt">): Promise<Buffer> {
  // Async: node:crypto runs scrypt on its thread pool, so the event loop is free meanwhile.
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize("NFC"), Buffer.from(d.salt, "base64url"), 32, { N: d.N, r: d.r, p: d.p, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const expand = (root: Buffer, purpose: string) => Buffer.from(hkdfSync("sha256", root, Buffer.alloc(0), `teacher-id ${purpose}`, 32));

/** A stored private key is plain JSON when an older version wrote it, a JWE otherwise. */
export const isPlainJwk = (stored: string) => stored.trimStart().startsWith("{");

/**
 * Derives identity's keys from the passphrase. On a database without a derivation yet (first
 * start), makes and stores one. Throws WrongPassphraseError when the passphrase is not the one the
 * database was set up with.
 */
export async function unlockKeyVault(db: IdentityDatabaseFile, passphrase: string): Promise<KeyVault> {
  let stored = readDerivation(db);
  let root: Buffer;
  if (stored) {
    if (stored.kdf !== "scrypt") throw new Error(`identity.sqlite names an unknown key derivation '${stored.kdf}' (written by a newer version?)`);
    root = await deriveRoot(passphrase, stored);
    const expected = Buffer.from(stored.check, "base64url");
    const actual = expand(root, "passphrase check");
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new WrongPassphraseError(
        "is not the passphrase identity.sqlite was set up with, so its signing keys cannot be decrypted. Set the passphrase this data directory (or backup) was made with.",
      );
    }
  } else {
    const fresh = { kdf: "scrypt" as const, ...scryptCost, salt: randomBytes(16).toString("base64url") };
    root = await deriveRoot(passphrase, fresh);
    const derivation: Derivation = { ...fresh, check: expand(root, "passphrase check").toString("base64url") };
    db.insert(settings).values({ key: settingKey, value: JSON.stringify(derivation) }).onConflictDoNothing().run();
    // Another process (e.g. `identity keys rotate` on a new data directory) may have got there first.
    stored = readDerivation(db)!;
    if (stored.salt !== derivation.salt) return unlockKeyVault(db, passphrase);
  }
  const keyEncryptionKey = expand(root, "signing keys");
  return {
    securityCodeKey: expand(root, "security codes"),
    webhookSecretKey: expand(root, "webhook secrets"),
    staffTotpKey: expand(root, "staff totp secrets"),
    async encryptPrivateJwk(kid, jwk) {
      return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
        .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid, cty: "jwk+json" })
        .encrypt(keyEncryptionKey);
    },
    async decryptPrivateJwk(kid, value) {
      if (isPlainJwk(value)) return JSON.parse(value) as JWK;
      try {
        const { plaintext, protectedHeader } = await compactDecrypt(value, keyEncryptionKey, {
          keyManagementAlgorithms: ["dir"],
          contentEncryptionAlgorithms: ["A256GCM"],
        });
        // The kid is in the authenticated header: a ciphertext moved to another row is refused.
        if (protectedHeader.kid !== kid) throw new Error("kid mismatch");
        return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
      } catch {
        throw new WrongPassphraseError(`does not decrypt the signing key ${kid} in identity.sqlite (was it written with another passphrase?)`);
      }
    },
  };
}

function readDerivation(db: IdentityDatabaseFile): Derivation | undefined {
  const row = db.select({ value: settings.value }).from(settings).where(eq(settings.key, settingKey)).get();
  return row ? (JSON.parse(row.value) as Derivation) : undefined;
}
