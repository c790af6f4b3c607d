// access's sealing (src/security/seal.ts) with the key derived from a high-entropy value the database
// never sees (the session cookie, or a sign-in's `state`). A copy of access.sqlite alone then yields no token.
import { seal as sealWith, unseal as unsealWith } from "../../security/seal";

const salt = "teacher-id/access";

export function seal(material: string, purpose: string, plaintext: string): string {
  return sealWith({ material, salt, purpose }, plaintext);
}

/** The plaintext, or null when the material is wrong or the sealed value was altered. */
export function unseal(material: string, purpose: string, sealed: string): string | null {
  return unsealWith({ material, salt, purpose }, sealed);
}
