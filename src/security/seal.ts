// Sealing: AES-256-GCM with a key derived (HKDF-SHA256) from a high-entropy value the database never
// sees, such as a cookie's random id whose hash is the row's key. A copy of the database alone then
// opens nothing sealed with it.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/** Whose key it is: `salt` names the service, `purpose` what is sealed, so keys never cross over. */
export interface SealKey {
  material: string;
  salt: string;
  purpose: string;
}

function keyFor(key: SealKey): Buffer {
  return Buffer.from(hkdfSync("sha256", key.material, key.salt, key.purpose, 32));
}

export function seal(key: SealKey, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(key), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The plaintext, or null when the material is wrong or the sealed value was altered. */
export function unseal(key: SealKey, sealed: string): string | null {
  try {
    const bytes = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", keyFor(key), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
