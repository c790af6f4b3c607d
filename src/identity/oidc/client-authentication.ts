// Client authentication at the token and revocation endpoints: client_secret_basic (RFC 6749
// §2.3.1, credentials form-encoded inside the Basic header) or client_secret_post.
import { findClient, secretMatches, type Client } from "../clients/clients";
import type { IdentityDatabaseFile } from "../db/database";
import { OAuthError, param } from "./oauth-errors";

const unknownClient = { secretHash: "0".repeat(64) } as Client;

export function authenticateClient(db: IdentityDatabaseFile, authorization: string | null, form: URLSearchParams): Client {
  const fromForm = { id: param(form, "client_id"), secret: param(form, "client_secret") };
  let clientId: string | undefined;
  let secret: string | undefined;
  if (authorization && /^basic /i.test(authorization)) {
    if (fromForm.secret !== undefined) {
      throw new OAuthError("invalid_request", "Use one client authentication method, not both Basic and client_secret.");
    }
    const decoded = decodeBasic(authorization.slice(6).trim());
    if (!decoded) throw new OAuthError("invalid_client", "The Basic authorization header is malformed.");
    [clientId, secret] = decoded;
    if (fromForm.id !== undefined && fromForm.id !== clientId) {
      throw new OAuthError("invalid_request", "client_id does not match the Basic authorization header.");
    }
  } else {
    clientId = fromForm.id;
    secret = fromForm.secret;
  }
  if (!clientId || !secret) throw new OAuthError("invalid_client", "Client authentication is required.");
  const client = findClient(db, clientId);
  // The same answer for an unknown client and a wrong secret, and a secret is compared either way
  // (client ids are not secret, RFC 6749 §2.2; a known one may be answered from memory).
  const matches = secretMatches(client ?? unknownClient, secret);
  if (!client || !matches) throw new OAuthError("invalid_client", "Client authentication failed.");
  return client;
}

function decodeBasic(encoded: string): [string, string] | null {
  let text: string;
  try {
    text = Buffer.from(encoded, "base64").toString("utf8");
  } catch {
    return null;
  }
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  try {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return [decode(text.slice(0, colon)), decode(text.slice(colon + 1))];
  } catch {
    return null;
  }
}
