// The pending authorization request a journey belongs to, as the journey pages need it: the
// protocol code's reader plus the client's initiate_login_uri (for "email me a new link").
import { eq } from "drizzle-orm";
import type { IdentityDatabase } from "../db/database";
import { authorizationRequests } from "../db/schema";
import { findClient } from "../clients/clients";
import { readPendingAuthorizationRequest, type PendingAuthorizationRequest } from "../oidc/authorize";

export interface PendingRequest extends PendingAuthorizationRequest {
  /** Where the client starts a sign-in with a TRN token ({initiate_login_uri}?trn_token=...). */
  initiateLoginUri: string | null;
}

/** The request, or undefined when it is unknown, expired or already completed. */
export function readPendingRequest(db: IdentityDatabase, requestId: string, now = Date.now()): PendingRequest | undefined {
  const request = readPendingAuthorizationRequest(db, requestId, now);
  if (!request) return undefined;
  return { ...request, initiateLoginUri: findClient(db, request.clientId)?.initiateLoginUri ?? null };
}

/**
 * What "Email me a new link" needs from the request the expired-link page was shown for. Unlike a
 * pending request, it may have expired or been completed: a teacher may leave that page open for
 * hours. The row is kept until the protocol clean-up removes it, a day after it expired.
 */
export function readNewLinkRequest(
  db: IdentityDatabase,
  requestId: string,
): { trnTokenHash: string; initiateLoginUri: string | null } | undefined {
  const row = db
    .select({ trnTokenHash: authorizationRequests.trnTokenHash, clientId: authorizationRequests.clientId })
    .from(authorizationRequests)
    .where(eq(authorizationRequests.id, requestId))
    .get();
  if (!row?.trnTokenHash) return undefined;
  return { trnTokenHash: row.trnTokenHash, initiateLoginUri: findClient(db, row.clientId)?.initiateLoginUri ?? null };
}

/** A TRN token only starts registration when the client asks for the TRN. */
export function wantsTrn(request: PendingAuthorizationRequest): boolean {
  return request.scopes.includes("trn") || request.scopes.includes("dqt:read");
}

/** With prompt=login or an exceeded max_age, an existing session does not count: sign in again. */
export function sessionSatisfies(request: PendingAuthorizationRequest | undefined, authTime: number, now = Date.now()): boolean {
  if (!request) return true;
  if (request.prompt === "login") return false;
  if (request.maxAge !== null && now - authTime > request.maxAge * 1000) return false;
  return true;
}
