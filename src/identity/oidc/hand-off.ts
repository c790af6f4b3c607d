// The ONE interface between the protocol code and the sign-in and registration journeys.
//
//   1. "This authorization request needs an account": /authorize stores the request and sends the
//      browser to /interaction/{requestId}. A journey reads it with readAccountRequest().
//   2. "Here is the account": when the journey has signed someone in, it calls
//      completeWithAccount(), which issues the code and returns the client's redirect URL.
//      codeAwaitsClient() says whether the client has yet to redeem that code (a repeated final
//      POST may then send the browser to the same URL again).
//
// Journeys import this file and nothing else from oidc/; oidc/ imports no journey.
import { and, eq, gt, isNull } from "drizzle-orm";
import { sha256 } from "../../security/tokens";
import type { IdentityDatabaseFile } from "../db/database";
import { authorizationCodes, authorizationRequests } from "../db/schema";
import { findClient } from "../clients/clients";
import { grantsTrnClaim } from "./claims";
import { sessionIsFreshEnough } from "./session-freshness";
import {
  AuthorizationRequestUnusableError,
  completeAuthorization,
  readPendingAuthorizationRequest,
  type PendingAuthorizationRequest,
} from "./authorize";

export { AuthorizationRequestUnusableError };

/** An authorization request waiting for an account, as the journeys see it. */
export interface AccountRequest extends PendingAuthorizationRequest {
  /** Where the client starts a sign-in with a TRN token ({initiate_login_uri}?trn_token=...). */
  initiateLoginUri: string | null;
  /** The client asked for the TRN, so a TRN token in the request starts registration. */
  wantsTrn: boolean;
}

/** The request, or undefined when it is unknown, expired or already completed. */
export function readAccountRequest(db: IdentityDatabaseFile, requestId: string, now = Date.now()): AccountRequest | undefined {
  const request = readPendingAuthorizationRequest(db, requestId, now);
  if (!request) return undefined;
  return {
    ...request,
    initiateLoginUri: findClient(db, request.clientId)?.initiateLoginUri ?? null,
    wantsTrn: grantsTrnClaim(request.scopes),
  };
}

/**
 * What "Email me a new link" needs from the request the expired-link page was shown for. Unlike a
 * pending request, it may have expired or been completed: a teacher may leave that page open for
 * hours. The row is kept until the protocol clean-up removes it, a day after it expired.
 */
export function readNewLinkRequest(
  db: IdentityDatabaseFile,
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

/** Whether an existing session satisfies the request (prompt=login and max_age ask for a fresh sign-in). */
export function sessionCountsFor(request: AccountRequest | undefined, authTime: number, now = Date.now()): boolean {
  if (!request) return true;
  return sessionIsFreshEnough({ prompt: request.prompt, maxAge: request.maxAge }, authTime, now);
}

/**
 * "Here is the account", signed in in `session`: completes the request exactly once and returns the URL to send the browser
 * to (the client's redirect URI with code, state, iss). Throws AuthorizationRequestUnusableError
 * when the request is unknown, expired or already completed.
 */
export function completeWithAccount(
  db: IdentityDatabaseFile,
  input: { requestId: string; accountId: string; session: { idHash: string; authTime: number } },
): string {
  return completeAuthorization(db, {
    requestId: input.requestId,
    accountId: input.accountId,
    authTime: input.session.authTime,
    sessionIdHash: input.session.idHash,
  });
}

/**
 * Whether the code in `redirectUrl` (a URL completeWithAccount returned) is still unredeemed and in
 * date: then the client has not received it, and sending the browser there again is the only way it
 * can. Once redeemed, never send it again: a code presented twice revokes what it issued.
 */
export function codeAwaitsClient(db: IdentityDatabaseFile, redirectUrl: string, now = Date.now()): boolean {
  const code = new URL(redirectUrl).searchParams.get("code");
  if (!code) return false;
  const row = db
    .select({ codeHash: authorizationCodes.codeHash })
    .from(authorizationCodes)
    .where(
      and(eq(authorizationCodes.codeHash, sha256(code)), isNull(authorizationCodes.consumedAt), gt(authorizationCodes.expiresAt, now)),
    )
    .get();
  return row !== undefined;
}
