// Verification codes: each downloaded certificate gets a new one, 128 random bits written in
// lowercase base32 (26 letters and digits, easy to read out), kept only as its SHA-256. The holder
// can end a code ("stop this link working"); the next download makes a new one.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import { changedRows } from "../../db/changed-rows";
import { perConnection } from "../../db/per-connection";
import { sha256 } from "../../security/tokens";
import type { AccessDatabase } from "../db/database";
import { certificates, type CertificateKind } from "../db/schema";

export type CertificateRow = typeof certificates.$inferSelect;

const alphabet = "abcdefghijklmnopqrstuvwxyz234567";

/** 16 random bytes as 26 base32 characters. */
export function newVerificationCode(): string {
  const bytes = randomBytes(16);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** The shape a code has; anything else is not looked up. */
export const verificationCodePattern = /^[a-z2-7]{26}$/;

export function recordCertificate(
  db: AccessDatabase,
  input: {
    sub: string;
    trn: string;
    kind: CertificateKind;
    qualificationId: number | null;
    holderName: string;
    qualificationName: string;
    awardedDate: string;
    now?: number;
  },
): { id: number; code: string } {
  const code = newVerificationCode();
  const { now = Date.now(), ...values } = input;
  const row = db
    .insert(certificates)
    .values({ ...values, codeHash: sha256(code), createdAt: now })
    .returning({ id: certificates.id })
    .get();
  return { id: row.id, code };
}

export function findCertificateByCode(db: AccessDatabase, code: string): CertificateRow | undefined {
  if (!verificationCodePattern.test(code)) return undefined;
  return db.select().from(certificates).where(eq(certificates.codeHash, sha256(code))).get();
}

// Read on every qualifications page: prepared once per connection (db/per-connection).
const activeBySub = perConnection((db: AccessDatabase) =>
  db
    .select()
    .from(certificates)
    .where(and(eq(certificates.sub, sql.placeholder("sub")), isNull(certificates.endedAt)))
    .orderBy(desc(certificates.createdAt), desc(certificates.id))
    .prepare(),
);

/** The holder's certificates whose links still work, newest first. */
export function activeCertificates(db: AccessDatabase, sub: string): CertificateRow[] {
  return activeBySub(db).all({ sub });
}

/** Ends one of the holder's own codes; false when it is not theirs or already ended. */
export function endCertificate(db: AccessDatabase, sub: string, id: number, now = Date.now()): boolean {
  return (
    changedRows(
      db
        .update(certificates)
        .set({ endedAt: now })
        .where(and(eq(certificates.id, id), eq(certificates.sub, sub), isNull(certificates.endedAt)))
        .run(),
    ) === 1
  );
}
