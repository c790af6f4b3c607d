// TRN tokens: the magic in the magic link. A random 256-bit token stands for (TRN, email) until it
// expires or binds an account; the database holds only its SHA-256.
import { sql } from "drizzle-orm";
import { randomToken, sha256 } from "../../security/tokens";
import type { IdentityDatabase } from "../db/database";
import { trnTokens } from "../db/schema";
import type { CreateTrnToken } from "./schemas";

export interface IssuedTrnToken {
  trn: string;
  email: string;
  trnToken: string;
  expiresUtc: string;
}

// A prepared statement per database: building the query each time cost more than running it.
const inserts = new WeakMap<object, ReturnType<typeof prepareInsert>>();
const prepareInsert = (db: IdentityDatabase) =>
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
    .prepare();

export function issueTrnToken(
  db: IdentityDatabase,
  input: CreateTrnToken & { clientId: string },
  options: { ttlMs: number; now?: number },
): IssuedTrnToken {
  const now = options.now ?? Date.now();
  const token = randomToken();
  const expiresAt = now + options.ttlMs;
  let insert = inserts.get(db);
  if (!insert) inserts.set(db, (insert = prepareInsert(db)));
  insert.run({ tokenHash: sha256(token), trn: input.trn, email: input.email, clientId: input.clientId, createdAt: now, expiresAt });
  return { trn: input.trn, email: input.email, trnToken: token, expiresUtc: new Date(expiresAt).toISOString() };
}
