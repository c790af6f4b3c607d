// TRN tokens: the magic in the magic link. A random 256-bit token stands for (TRN, email) until it
// expires or binds an account; the database holds only its SHA-256.
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

export function issueTrnToken(
  db: IdentityDatabase,
  input: CreateTrnToken & { clientId: string },
  options: { ttlMs: number; now?: number },
): IssuedTrnToken {
  const now = options.now ?? Date.now();
  const token = randomToken();
  const expiresAt = now + options.ttlMs;
  db.insert(trnTokens)
    .values({ tokenHash: sha256(token), trn: input.trn, email: input.email, clientId: input.clientId, createdAt: now, expiresAt })
    .run();
  return { trn: input.trn, email: input.email, trnToken: token, expiresUtc: new Date(expiresAt).toISOString() };
}
