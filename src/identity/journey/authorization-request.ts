// The pending authorization request a journey belongs to, as the journey pages need it: the
// protocol code's reader plus the client's initiate_login_uri (for "email me a new link").
import type { IdentityDatabase } from "../db/database";
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
