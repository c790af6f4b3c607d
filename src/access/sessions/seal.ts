// Sealing: AES-256-GCM with a key derived from a high-entropy value the database never sees (the
// session cookie, or a sign-in's `state`). A copy of access.sqlite alone then yields no token.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

function keyFor(material: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", material, "teacher-id/access", purpose, 32));
}

export function seal(material: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(material, purpose), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The plaintext, or null when the material is wrong or the sealed value was altered. */
export function unseal(material: string, purpose: string, sealed: string): string | null {
  try {
    const bytes = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", keyFor(material, purpose), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
