// TRN tokens: the magic in the magic link. A random 256-bit token stands for (TRN, email) until it
// expires or binds an account; the database holds only its SHA-256.
import { eq, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import { randomToken, sha256 } from "../../security/tokens";
import type { IdentityDb } from "../db/database";
import { trnTokens } from "../db/schema";
import { actor, recordEvent, subject } from "../events/events";
import type { z } from "zod";
import type { CreateTrnToken, issuedTrnTokenSchema } from "./schemas";

/** A new token as issueTrnToken makes it (the route adds whether an account holds the TRN). */
export type IssuedTrnToken = Omit<z.output<typeof issuedTrnTokenSchema>, "accountExists">;

// Prepared once per connection: building the query each time cost more than running it.
const insertToken = perConnection((db: IdentityDb) =>
  db
    .insert(trnTokens)
    .values({
      tokenHash: sql.placeholder("tokenHash"),
      trn: sql.placeholder("trn"),
      email: sql.placeholder("email"),
      clientId: sql.placeholder("clientId"),
      createdAt: sql.placeholder("createdAt"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare(),
);

/** Stores a new token and its TrnTokenIssued event: call it inside a transaction (both or neither). */
export function issueTrnToken(
  db: IdentityDb,
  input: CreateTrnToken & { clientId: string },
  options: { ttlMs: number; now?: number; by?: { actor: string; reason: string } },
): IssuedTrnToken {
  const now = options.now ?? Date.now();
  const token = randomToken();
  const expiresAt = now + options.ttlMs;
  insertToken(db).run({ tokenHash: sha256(token), trn: input.trn, email: input.email, clientId: input.clientId, createdAt: now, expiresAt });
  recordEvent(
    db,
    {
      type: "TrnTokenIssued",
      // The client that asked, or a staff member sending a new link (with their reason).
      actor: options.by?.actor ?? actor.client(input.clientId),
      subject: subject.trn(input.trn),
      payload: { clientId: input.clientId, trn: input.trn, expiresAt, ...(options.by ? { reason: options.by.reason } : {}) },
    },
    now,
  );
  return { trn: input.trn, email: input.email, trnToken: token, expiresUtc: new Date(expiresAt).toISOString() };
}

export type TrnToken = typeof trnTokens.$inferSelect;

export type TokenStatus = "unknown" | "expired" | "used" | "valid";

// Read on every registration step: prepared once (see db/per-connection).
const byHash = perConnection((db: IdentityDb) =>
  db.select().from(trnTokens).where(eq(trnTokens.tokenHash, sql.placeholder("tokenHash"))).prepare(),
);

export function findTrnToken(db: IdentityDb, tokenHash: string): TrnToken | undefined {
  return byHash(db).get({ tokenHash });
}

export function tokenStatus(token: TrnToken | undefined, now = Date.now()): TokenStatus {
  if (!token) return "unknown";
  if (token.consumedAt !== null) return "used";
  if (token.expiresAt <= now) return "expired";
  return "valid";
}
