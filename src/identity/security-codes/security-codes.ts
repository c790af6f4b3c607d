// 6-digit security codes sent by email or SMS. Stored only as an HMAC, live 10 minutes, and die
// after 5 wrong tries. Each code belongs to the journey that asked for it (which keeps its id):
// a code asked for elsewhere, by anyone, neither retires it nor uses up its tries.
import { createHmac } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../db/database";
import { consumeOnce } from "../../db/changed-rows";
import { constantTimeEqual, randomSixDigitCode, randomToken } from "../../security/tokens";
import { securityCodes } from "../db/schema";

// A plain SHA-256 of one of a million codes is reversed in about a second, so codes are stored
// as an HMAC under a key derived from SIGNING_KEY_PASSPHRASE (keys/key-vault.ts), which the
// database does not hold. The key belongs to the database connection (a transaction shares its
// database's session), set once at start by useSecurityCodeKey().
const codeKeys = new WeakMap<object, Buffer>();
const sessionOf = (db: IdentityDb) => (db as unknown as { session: object }).session;

/** Sets the key that hashes security codes on this connection (identity's start-up). */
export function useSecurityCodeKey(db: IdentityDb, key: Buffer): void {
  codeKeys.set(sessionOf(db), key);
}

/** The stored form of a code: bound to its purpose and destination too. */
function hashCode(db: IdentityDb, input: { purpose: CodePurpose; destination: string }, code: string): string {
  const key = codeKeys.get(sessionOf(db));
  // Fails closed: without the key a code would be stored in a reversible form.
  if (!key) throw new Error("no security-code key on this database connection: call useSecurityCodeKey() at start-up");
  return createHmac("sha256", key).update(`${input.purpose}\n${input.destination}\n${code}`).digest("hex");
}

// Every code sent and checked runs these: prepared once per connection (db/per-connection).
const ph = sql.placeholder;
const insertCode = perConnection((db: IdentityDb) =>
  db
    .insert(securityCodes)
    .values({
      id: ph("id"),
      purpose: ph("purpose"),
      destination: ph("destination"),
      codeHash: ph("codeHash"),
      createdAt: ph("createdAt"),
      expiresAt: ph("expiresAt"),
    })
    .prepare(),
);
const unusedCode = perConnection((db: IdentityDb) =>
  db
    .select()
    .from(securityCodes)
    .where(
      and(eq(securityCodes.id, ph("id")), eq(securityCodes.purpose, ph("purpose")), eq(securityCodes.destination, ph("destination")), isNull(securityCodes.consumedAt)),
    )
    .prepare(),
);
const consumeCode = perConnection((db: IdentityDb) =>
  db
    .update(securityCodes)
    .set({ consumedAt: sql`${ph("now")}` })
    .where(and(eq(securityCodes.id, ph("id")), isNull(securityCodes.consumedAt)))
    .prepare(),
);

/** What a code proves; it works only for the purpose it was sent for. */
export type CodePurpose = (typeof securityCodes.$inferInsert)["purpose"];

export const codeLifetimeMs = 10 * 60 * 1000;
export const maxWrongAttempts = 5;

/**
 * Makes a new code for `destination` (lower-cased email or E.164). Returns it in clear, to send, and
 * its id, for the journey to keep: only that journey checks it.
 */
export function issueSecurityCode(
  tx: IdentityDb,
  input: { purpose: CodePurpose; destination: string },
  now = Date.now(),
): { id: string; code: string } {
  const code = randomSixDigitCode();
  const id = randomToken(16);
  insertCode(tx).run({
    id,
    purpose: input.purpose,
    destination: input.destination,
    codeHash: hashCode(tx, input, code),
    createdAt: now,
    expiresAt: now + codeLifetimeMs,
  });
  return { id, code };
}

/** People type codes with spaces or dashes ("123 456"); anything else that is not 6 digits is invalid. */
export function normaliseCode(input: unknown): string | undefined {
  if (typeof input !== "string") return undefined;
  const digits = input.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

export type CodeCheck = "ok" | "wrong" | "expired" | "too_many_attempts" | "none";

/**
 * Checks a code against the code `id` (the one the journey asked for), in one synchronous
 * transaction: a wrong guess is counted on that code, and a right one is consumed with a
 * conditional update so it works once.
 */
export function checkSecurityCode(
  db: IdentityDb,
  input: { id: string; purpose: CodePurpose; destination: string; code: string },
  now = Date.now(),
): CodeCheck {
  return db.transaction((tx) => {
    const row = unusedCode(tx).get({ id: input.id, purpose: input.purpose, destination: input.destination });
    if (!row) return "none";
    if (row.failedAttempts >= maxWrongAttempts) return "too_many_attempts";
    if (row.expiresAt <= now) return "expired";
    if (!constantTimeEqual(row.codeHash, hashCode(tx, input, input.code))) {
      const attempts = row.failedAttempts + 1;
      tx.update(securityCodes).set({ failedAttempts: attempts }).where(eq(securityCodes.id, row.id)).run();
      return attempts >= maxWrongAttempts ? "too_many_attempts" : "wrong";
    }
    const consumed = consumeOnce({ run: () => consumeCode(tx).run({ id: row.id, now }) });
    return consumed ? "ok" : "none";
  });
}
