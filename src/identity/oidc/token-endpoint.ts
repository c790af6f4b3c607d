// POST /token: client_credentials, authorization_code (PKCE S256, single use) and refresh_token
// (rotated; a reused refresh token or code revokes its whole grant).
import { and, eq, isNull, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import type { IdentityDb } from "../db/database";
import { createHash } from "node:crypto";
import { tokensIssued } from "../../metrics/metrics";
import { constantTimeEqual, randomToken, sha256 } from "../../security/tokens";
import { tokenScopes, type Client } from "../clients/clients";
import { authorizationCodes, grants, refreshTokens } from "../db/schema";
import { consumeOnce } from "../../db/changed-rows";
import { revokeGrant } from "./grants";
import { actor } from "../events/events";
import { findAccountById } from "../accounts/accounts";
import { claimsForScopes, grantsTrnClaim, newAccountClaim } from "./claims";
import { trnLookupOf } from "../accounts/trn-lookup";
import type { OidcContext } from "./context";
import { signAccessToken, signIdToken } from "./jwt-tokens";
import { OAuthError, jsonNoStore, param, requiredParam } from "./oauth-errors";

// A code's redemption, on every sign-in: prepared once per connection (db/per-connection).
const codeByHash = perConnection((db: IdentityDb) =>
  db.select().from(authorizationCodes).where(eq(authorizationCodes.codeHash, sql.placeholder("codeHash"))).prepare(),
);
const consumeCode = perConnection((db: IdentityDb) =>
  db
    .update(authorizationCodes)
    .set({ consumedAt: sql`${sql.placeholder("now")}` })
    .where(and(eq(authorizationCodes.codeHash, sql.placeholder("codeHash")), isNull(authorizationCodes.consumedAt)))
    .prepare(),
);
const grantById = perConnection((db: IdentityDb) => db.select().from(grants).where(eq(grants.id, sql.placeholder("id"))).prepare());
const insertRefreshToken = perConnection((db: IdentityDb) =>
  db
    .insert(refreshTokens)
    .values({
      tokenHash: sql.placeholder("tokenHash"),
      grantId: sql.placeholder("grantId"),
      createdAt: sql.placeholder("createdAt"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare(),
);

/** `client` has authenticated (routes.tsx, which also counts the request against its rate limit). */
export async function handleTokenRequest(ctx: OidcContext, client: Client, form: URLSearchParams): Promise<Response> {
  const grantType = param(form, "grant_type");
  if (!grantType) throw new OAuthError("invalid_request", "The parameter grant_type is required.");
  switch (grantType) {
    case "client_credentials":
      return clientCredentials(ctx, client, form);
    case "authorization_code":
      return authorizationCode(ctx, client, form);
    case "refresh_token":
      return refreshToken(ctx, client, form);
    default:
      throw new OAuthError("unsupported_grant_type", `The grant type '${grantType}' is not supported.`);
  }
}

function requireGrantType(client: Client, grantType: Client["grantTypes"][number]) {
  if (!client.grantTypes.includes(grantType)) {
    throw new OAuthError("unauthorized_client", `This client may not use the ${grantType} grant.`);
  }
}

/** The requested scopes, each of which must be within `allowed`; `allowed` when none are requested. */
function requestedScopes(form: URLSearchParams, allowed: string[]): string[] {
  const raw = param(form, "scope");
  if (raw === undefined) return allowed;
  const scopes = [...new Set(raw.split(" ").filter(Boolean))];
  const notAllowed = scopes.filter((s) => !allowed.includes(s));
  if (notAllowed.length) throw new OAuthError("invalid_scope", `This client may not have the scope '${notAllowed[0]}'.`);
  if (scopes.length === 0) throw new OAuthError("invalid_scope", "The scope parameter is empty.");
  return scopes;
}

async function clientCredentials(ctx: OidcContext, client: Client, form: URLSearchParams): Promise<Response> {
  requireGrantType(client, "client_credentials");
  const scopes = requestedScopes(form, client.scopes.filter((s) => tokenScopes.includes(s)));
  const { accessToken, expiresIn, scope } = await signAccessToken(ctx, {
    sub: client.clientId,
    clientId: client.clientId,
    scopes,
    rateLimit: client.rateLimit,
  });
  tokensIssued.client_credentials.inc();
  return jsonNoStore({ access_token: accessToken, token_type: "Bearer", expires_in: expiresIn, scope });
}

const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;

export function pkceS256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

async function authorizationCode(ctx: OidcContext, client: Client, form: URLSearchParams): Promise<Response> {
  requireGrantType(client, "authorization_code");
  const code = requiredParam(form, "code");
  const redirectUri = requiredParam(form, "redirect_uri");
  const verifier = param(form, "code_verifier");
  const now = Date.now();
  const codeHash = sha256(code);

  // Consume the code with a conditional update: of two concurrent redemptions, one wins.
  const outcome = ctx.db.transaction((tx) => {
    const row = codeByHash(tx).get({ codeHash });
    if (!row) return { kind: "unknown" as const };
    const consumed = consumeOnce({ run: () => consumeCode(tx).run({ codeHash, now }) });
    if (!consumed) {
      // RFC 6749 §4.1.2: a code used twice may have been stolen; revoke what it issued.
      revokeGrant(tx, row.grantId, { by: actor.client(client.clientId), reason: "code-reused" }, now);
      return { kind: "reused" as const, row };
    }
    const grant = grantById(tx).get({ id: row.grantId });
    return { kind: "fresh" as const, row, grant };
  });

  if (outcome.kind === "unknown") throw new OAuthError("invalid_grant", "The authorization code is not valid.");
  if (outcome.kind === "reused") {
    ctx.logger.warn("authorization_code_reused", { client_id: client.clientId, grant_id: outcome.row.grantId });
    throw new OAuthError("invalid_grant", "The authorization code has already been used.");
  }
  const { row, grant } = outcome;
  if (row.clientId !== client.clientId) throw new OAuthError("invalid_grant", "The authorization code was issued to another client.");
  if (row.expiresAt < now) throw new OAuthError("invalid_grant", "The authorization code has expired.");
  if (row.redirectUri !== redirectUri) throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request.");
  if (!verifier) throw new OAuthError("invalid_grant", "code_verifier is required (PKCE).");
  if (!verifierPattern.test(verifier) || !constantTimeEqual(pkceS256(verifier), row.codeChallenge)) {
    throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge.");
  }
  if (!grant || grant.revokedAt !== null) throw new OAuthError("invalid_grant", "The authorization has been revoked.");
  const account = findAccountById(ctx.db, row.accountId);
  if (!account) throw new OAuthError("invalid_grant", "The account no longer exists.");

  const scopes = row.scope.split(" ");
  const { accessToken, expiresIn, scope } = await signAccessToken(ctx, {
    sub: account.id,
    clientId: client.clientId,
    scopes,
    trn: account.trn,
    grantId: grant.id,
    authTime: row.authTime,
    rateLimit: client.rateLimit,
  });
  const body: Record<string, unknown> = { access_token: accessToken, token_type: "Bearer", expires_in: expiresIn, scope };
  if (scopes.includes("openid")) {
    body.id_token = await signIdToken(ctx, {
      sub: account.id,
      clientId: client.clientId,
      nonce: row.nonce,
      authTime: row.authTime,
      claims: {
        ...claimsForScopes(account, scopes, grantsTrnClaim(scopes) ? trnLookupOf(ctx.db, account) : undefined),
        ...newAccountClaim(ctx.db, account, row.authTime),
      },
      alg: client.idTokenSignedResponseAlg,
    });
  }
  if (client.grantTypes.includes("refresh_token")) {
    const refresh = randomToken();
    insertRefreshToken(ctx.db).run({ tokenHash: sha256(refresh), grantId: grant.id, createdAt: now, expiresAt: grant.createdAt + ctx.refreshTokenTtlMs });
    body.refresh_token = refresh;
  }
  ctx.logger.info("tokens_issued", { grant_type: "authorization_code", client_id: client.clientId, grant_id: grant.id });
  tokensIssued.authorization_code.inc();
  return jsonNoStore(body);
}

async function refreshToken(ctx: OidcContext, client: Client, form: URLSearchParams): Promise<Response> {
  requireGrantType(client, "refresh_token");
  const presented = requiredParam(form, "refresh_token");
  const now = Date.now();
  const tokenHash = sha256(presented);
  const next = randomToken();

  const outcome = ctx.db.transaction((tx) => {
    const row = tx
      .select({ token: refreshTokens, grant: grants })
      .from(refreshTokens)
      .innerJoin(grants, eq(grants.id, refreshTokens.grantId))
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .get();
    if (!row || row.grant.clientId !== client.clientId) return { kind: "unknown" as const };
    const consumed = consumeOnce(
      tx
        .update(refreshTokens)
        .set({ consumedAt: now })
        .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.consumedAt))),
    );
    if (!consumed) {
      // A rotated refresh token presented again: one of the two holders is an attacker.
      revokeGrant(tx, row.grant.id, { by: actor.client(client.clientId), reason: "refresh-token-reused" }, now);
      return { kind: "reused" as const, grantId: row.grant.id };
    }
    if (row.grant.revokedAt !== null) return { kind: "revoked" as const };
    if (row.token.expiresAt < now) return { kind: "expired" as const };
    // Throws invalid_scope, which rolls back the consumption above.
    const scopes = requestedScopes(form, row.grant.scope.split(" "));
    tx.insert(refreshTokens).values({ tokenHash: sha256(next), grantId: row.grant.id, createdAt: now, expiresAt: row.token.expiresAt }).run();
    return { kind: "rotated" as const, grant: row.grant, scopes };
  });

  switch (outcome.kind) {
    case "unknown":
      throw new OAuthError("invalid_grant", "The refresh token is not valid.");
    case "reused":
      ctx.logger.warn("refresh_token_reused", { client_id: client.clientId, grant_id: outcome.grantId });
      throw new OAuthError("invalid_grant", "The refresh token has already been used.");
    case "revoked":
      throw new OAuthError("invalid_grant", "The authorization has been revoked.");
    case "expired":
      throw new OAuthError("invalid_grant", "The refresh token has expired.");
  }
  const { grant, scopes } = outcome;
  const account = grant.accountId ? findAccountById(ctx.db, grant.accountId) : undefined;
  if (!account) throw new OAuthError("invalid_grant", "The account no longer exists.");
  const { accessToken, expiresIn, scope } = await signAccessToken(ctx, {
    sub: account.id,
    clientId: client.clientId,
    scopes,
    trn: account.trn,
    grantId: grant.id,
    rateLimit: client.rateLimit,
  });
  tokensIssued.refresh_token.inc();
  return jsonNoStore({ access_token: accessToken, token_type: "Bearer", expires_in: expiresIn, scope, refresh_token: next });
}
