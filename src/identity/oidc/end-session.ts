// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the client names itself (through
// client_id, or an id_token_hint from an older client) and where to send the browser afterwards,
// which must be one of the client's registered post-logout redirect URIs, matched exactly.
// Clients should send client_id and logout_hint (the user's `sub`) rather than an ID token: the
// ID token carries personal data, and this address ends up in browser history and proxy logs.
// Signing out ends the session and revokes every grant made while it was signed in.
import { compactVerify, decodeJwt } from "jose";
import { findClient, type Client } from "../clients/clients";
import type { IdentityDatabaseFile } from "../db/database";
import { destroySession, readSession, sessionIdHashOf, type IdentitySession } from "../sessions/session";
import type { OidcContext } from "./context";
import { revokeSessionGrants } from "./grants";

export interface EndSessionParams {
  idTokenHint?: string;
  clientId?: string;
  /** The `sub` of the user the client is signing out. */
  logoutHint?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

export type EndSessionCheck =
  | { ok: true; client?: Client; postLogoutRedirectUri?: string; state?: string; hintedSub?: string }
  | { ok: false; reason: string };

const invalidLink = { ok: false, reason: "The sign out link is not valid." } as const;

export async function checkEndSessionRequest(ctx: OidcContext, params: EndSessionParams): Promise<EndSessionCheck> {
  let clientId = params.clientId;
  let hintedSub = params.logoutHint;
  if (hintedSub !== undefined && hintedSub.length > 255) return invalidLink;
  if (params.idTokenHint) {
    // An expired ID token is still a fine hint: check who signed it and for whom, not when.
    const hint = await verifiedIdTokenHint(ctx, params.idTokenHint);
    if (!hint) return invalidLink;
    if (clientId && clientId !== hint.audience) return invalidLink;
    if (hintedSub !== undefined && hintedSub !== hint.sub) return invalidLink;
    clientId = hint.audience;
    hintedSub = hint.sub;
  }
  const client = clientId ? findClient(ctx.db, clientId) : null;
  if (clientId && !client) return { ok: false, reason: "The service that sent you here is not registered with Teacher ID." };
  if (params.postLogoutRedirectUri) {
    if (!client || !client.postLogoutRedirectUris.includes(params.postLogoutRedirectUri)) {
      return { ok: false, reason: "The service that sent you here gave an address to return to that is not registered with Teacher ID." };
    }
    return { ok: true, client, postLogoutRedirectUri: params.postLogoutRedirectUri, state: params.state, hintedSub };
  }
  return { ok: true, client: client ?? undefined, hintedSub };
}

async function verifiedIdTokenHint(ctx: OidcContext, idToken: string): Promise<{ audience: string; sub?: string } | null> {
  try {
    await compactVerify(idToken, (header) => ctx.keys.verificationKey(header as never), { algorithms: ["ES256", "RS256"] });
    const claims = decodeJwt(idToken);
    if (claims.iss !== ctx.issuer) return null;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (aud.length !== 1 || typeof aud[0] !== "string") return null;
    return { audience: aud[0], sub: typeof claims.sub === "string" ? claims.sub : undefined };
  } catch {
    return null;
  }
}

/**
 * The session the client's sign-out would end: the browser's, unless the client named another
 * user (that user has already gone from this browser; whoever is signed in now stays signed in).
 */
export function sessionToEnd(ctx: OidcContext, check: Extract<EndSessionCheck, { ok: true }>, cookieHeader: string | null): IdentitySession | null {
  const session = readSession(ctx.db, cookieHeader);
  if (!session) return null;
  if (check.hintedSub !== undefined && check.hintedSub !== session.accountId) return null;
  return session;
}

/**
 * Signs the browser out: ends its session and revokes the grants made while it was signed in (so
 * their refresh tokens stop working and records refuses their access tokens within seconds).
 * Returns the Set-Cookie header that clears the cookie.
 */
export function signOut(ctx: Pick<OidcContext, "db" | "secure">, cookieHeader: string | null): { setCookie: string; revokedGrants: number } {
  const idHash = sessionIdHashOf(cookieHeader);
  return ctx.db.transaction((tx) => {
    const revokedGrants = idHash ? revokeSessionGrants(tx, idHash) : 0;
    const setCookie = destroySession(tx as unknown as IdentityDatabaseFile, cookieHeader, ctx.secure);
    return { setCookie, revokedGrants };
  });
}

export function postLogoutLocation(check: Extract<EndSessionCheck, { ok: true }>): string | null {
  if (!check.postLogoutRedirectUri) return null;
  const url = new URL(check.postLogoutRedirectUri);
  if (check.state) url.searchParams.set("state", check.state);
  return url.toString();
}
