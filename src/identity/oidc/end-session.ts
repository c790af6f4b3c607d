// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the client names itself (through
// id_token_hint or client_id) and where to send the browser afterwards, which must be one of the
// client's registered post-logout redirect URIs, matched exactly.
import { compactVerify, decodeJwt } from "jose";
import { findClient, type Client } from "../clients/clients";
import type { OidcContext } from "./context";

export interface EndSessionParams {
  idTokenHint?: string;
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

export type EndSessionCheck =
  | { ok: true; client?: Client; postLogoutRedirectUri?: string; state?: string }
  | { ok: false; reason: string };

export async function checkEndSessionRequest(ctx: OidcContext, params: EndSessionParams): Promise<EndSessionCheck> {
  let clientId = params.clientId;
  if (params.idTokenHint) {
    // An expired ID token is still a fine hint: check who signed it and for whom, not when.
    const audience = await idTokenAudience(ctx, params.idTokenHint);
    if (!audience) return { ok: false, reason: "The sign out link is not valid." };
    if (clientId && clientId !== audience) return { ok: false, reason: "The sign out link is not valid." };
    clientId = audience;
  }
  const client = clientId ? findClient(ctx.db, clientId) : null;
  if (clientId && !client) return { ok: false, reason: "The service that sent you here is not registered with Teacher ID." };
  if (params.postLogoutRedirectUri) {
    if (!client || !client.postLogoutRedirectUris.includes(params.postLogoutRedirectUri)) {
      return { ok: false, reason: "The service that sent you here gave an address to return to that is not registered with Teacher ID." };
    }
    return { ok: true, client, postLogoutRedirectUri: params.postLogoutRedirectUri, state: params.state };
  }
  return { ok: true, client: client ?? undefined };
}

async function idTokenAudience(ctx: OidcContext, idToken: string): Promise<string | null> {
  try {
    await compactVerify(idToken, (header) => ctx.keys.verificationKey(header as never), { algorithms: ["ES256", "RS256"] });
    const claims = decodeJwt(idToken);
    if (claims.iss !== ctx.issuer) return null;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return aud.length === 1 && typeof aud[0] === "string" ? aud[0] : null;
  } catch {
    return null;
  }
}

export function postLogoutLocation(check: Extract<EndSessionCheck, { ok: true }>): string | null {
  if (!check.postLogoutRedirectUri) return null;
  const url = new URL(check.postLogoutRedirectUri);
  if (check.state) url.searchParams.set("state", check.state);
  return url.toString();
}
