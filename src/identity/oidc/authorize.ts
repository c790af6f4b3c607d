// GET /authorize (authorization code flow with PKCE S256), and the hand-off to the sign-in and
// registration journeys: a request that needs the user is stored in `authorization_requests` and
// the browser goes to /interaction/{requestId}; the journey calls completeAuthorization().
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { perConnection } from "../../db/per-connection";
import { randomToken, sha256 } from "../../security/tokens";
import { findClient, type Client } from "../clients/clients";
import type { IdentityDatabaseFile } from "../db/database";
import { authorizationCodes, authorizationRequests, grants, settings } from "../db/schema";
import { readSession } from "../sessions/session";
import { consumeOnce } from "../../db/changed-rows";
import { hitRateLimit, type RateLimit } from "../rate-limit/rate-limit";
import { authorizationCodeTtlMs, authorizationRequestTtlMs } from "./context";
import { sessionIsFreshEnough } from "./session-freshness";

// The statements every registration and sign-in runs, prepared once per connection (db/per-connection).
const ph = sql.placeholder;
const insertAuthorizationRequest = perConnection((db: IdentityDatabaseFile) =>
  db
    .insert(authorizationRequests)
    .values({
      id: ph("id"),
      clientId: ph("clientId"),
      redirectUri: ph("redirectUri"),
      scope: ph("scope"),
      state: ph("state"),
      nonce: ph("nonce"),
      codeChallenge: ph("codeChallenge"),
      prompt: ph("prompt"),
      maxAge: ph("maxAge"),
      trnTokenHash: ph("trnTokenHash"),
      createdAt: ph("createdAt"),
      expiresAt: ph("expiresAt"),
    })
    .prepare(),
);
const pendingRequest = perConnection((db: IdentityDatabaseFile) =>
  db
    .select()
    .from(authorizationRequests)
    .where(and(eq(authorizationRequests.id, ph("id")), isNull(authorizationRequests.completedAt), gt(authorizationRequests.expiresAt, ph("now"))))
    .prepare(),
);
const requestById = perConnection((db: IdentityDatabaseFile) =>
  db.select().from(authorizationRequests).where(eq(authorizationRequests.id, ph("id"))).prepare(),
);
const completeRequest = perConnection((db: IdentityDatabaseFile) =>
  db
    .update(authorizationRequests)
    .set({ completedAt: sql`${ph("now")}` })
    .where(and(eq(authorizationRequests.id, ph("id")), isNull(authorizationRequests.completedAt)))
    .prepare(),
);
const insertGrant = perConnection((db: IdentityDatabaseFile) =>
  db
    .insert(grants)
    .values({
      id: ph("id"),
      clientId: ph("clientId"),
      accountId: ph("accountId"),
      scope: ph("scope"),
      sessionIdHash: ph("sessionIdHash"),
      createdAt: ph("createdAt"),
    })
    .prepare(),
);
const insertCode = perConnection((db: IdentityDatabaseFile) =>
  db
    .insert(authorizationCodes)
    .values({
      codeHash: ph("codeHash"),
      grantId: ph("grantId"),
      clientId: ph("clientId"),
      accountId: ph("accountId"),
      redirectUri: ph("redirectUri"),
      scope: ph("scope"),
      nonce: ph("nonce"),
      codeChallenge: ph("codeChallenge"),
      authTime: ph("authTime"),
      createdAt: ph("createdAt"),
      expiresAt: ph("expiresAt"),
    })
    .prepare(),
);
const issuerSetting = perConnection((db: IdentityDatabaseFile) =>
  db.select({ value: settings.value }).from(settings).where(eq(settings.key, "issuer")).prepare(),
);

export type AuthorizeErrorCode =
  | "invalid_request"
  | "unauthorized_client"
  | "access_denied"
  | "unsupported_response_type"
  | "invalid_scope"
  | "login_required"
  | "interaction_required"
  | "request_not_supported"
  | "request_uri_not_supported";

/** What to do with a GET /authorize. */
export type AuthorizeOutcome =
  /** The client or redirect URI cannot be trusted: show a page, never redirect (RFC 6749 §4.1.2.1). */
  | { kind: "error_page"; reason: string }
  | { kind: "redirect"; location: string }
  /** Too many requests stored for this client IP: nothing stored, try again at `retryAt`. */
  | { kind: "rate_limited"; retryAt: number };

/** The per-IP limit on storing authorization requests (issue 11, item 9), when one applies. */
export interface StoreLimit {
  ip: string;
  rule: RateLimit;
}

interface ValidRequest {
  client: Client;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt?: "login" | "none" | "create";
  maxAge?: number;
  trnToken?: string;
}

class AuthorizeError extends Error {
  constructor(
    readonly error: AuthorizeErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

const challengePattern = /^[A-Za-z0-9_-]{43}$/;

/** Validates the request; throws AuthorizeError for errors that may be sent to the redirect URI. */
function validate(client: Client, redirectUri: string, params: URLSearchParams): ValidRequest {
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) throw new AuthorizeError("invalid_request", `The parameter ${name} must not be repeated.`);
  }
  const get = (name: string) => {
    const value = params.get(name);
    return value === null || value === "" ? undefined : value;
  };
  if (!client.grantTypes.includes("authorization_code")) {
    throw new AuthorizeError("unauthorized_client", "This client may not use the authorization code flow.");
  }
  if (get("request")) throw new AuthorizeError("request_not_supported", "Request objects are not supported.");
  if (get("request_uri")) throw new AuthorizeError("request_uri_not_supported", "request_uri is not supported.");
  const responseType = get("response_type");
  if (!responseType) throw new AuthorizeError("invalid_request", "The parameter response_type is required.");
  if (responseType !== "code") throw new AuthorizeError("unsupported_response_type", "Only response_type=code is supported.");
  const responseMode = get("response_mode");
  if (responseMode && responseMode !== "query") throw new AuthorizeError("invalid_request", "Only response_mode=query is supported.");

  const scope = get("scope");
  if (!scope) throw new AuthorizeError("invalid_request", "The parameter scope is required.");
  const scopes = [...new Set(scope.split(" ").filter(Boolean))];
  if (!scopes.includes("openid")) throw new AuthorizeError("invalid_scope", "The scope must include openid.");
  const notAllowed = scopes.find((s) => !client.scopes.includes(s));
  if (notAllowed) throw new AuthorizeError("invalid_scope", `This client may not have the scope '${notAllowed}'.`);

  const codeChallenge = get("code_challenge");
  if (!codeChallenge) throw new AuthorizeError("invalid_request", "code_challenge is required (PKCE with S256).");
  if (get("code_challenge_method") !== "S256") {
    throw new AuthorizeError("invalid_request", "code_challenge_method must be S256.");
  }
  if (!challengePattern.test(codeChallenge)) {
    throw new AuthorizeError("invalid_request", "code_challenge must be the base64url SHA-256 of the code verifier.");
  }

  const promptValues = new Set((get("prompt") ?? "").split(" ").filter(Boolean));
  for (const value of promptValues) {
    if (!["none", "login", "consent", "select_account", "create"].includes(value)) {
      throw new AuthorizeError("invalid_request", `prompt=${value} is not supported.`);
    }
  }
  if (promptValues.has("none") && promptValues.size > 1) {
    throw new AuthorizeError("invalid_request", "prompt=none cannot be combined with other values.");
  }
  // prompt=create (OpenID Connect "Initiating User Registration"): the user has no account yet; the
  // interaction starts "Create an account without a link" (a signed-in user just goes back).
  const prompt = promptValues.has("none") ? "none" : promptValues.has("login") ? "login" : promptValues.has("create") ? "create" : undefined;

  const maxAgeText = get("max_age");
  if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText)) {
    throw new AuthorizeError("invalid_request", "max_age must be a whole number of seconds.");
  }
  const state = get("state");
  const nonce = get("nonce");
  if ((state?.length ?? 0) > 1024 || (nonce?.length ?? 0) > 1024) {
    throw new AuthorizeError("invalid_request", "state and nonce must be 1024 characters or fewer.");
  }
  const trnToken = get("trn_token");
  if (trnToken !== undefined && trnToken.length > 512) throw new AuthorizeError("invalid_request", "trn_token is too long.");
  return {
    client,
    redirectUri,
    scopes,
    state,
    nonce,
    codeChallenge,
    prompt,
    maxAge: maxAgeText === undefined ? undefined : Number(maxAgeText),
    trnToken,
  };
}

export function authorize(
  db: IdentityDatabaseFile,
  issuer: string,
  params: URLSearchParams,
  cookieHeader: string | null,
  now = Date.now(),
  storeLimit?: StoreLimit,
): AuthorizeOutcome {
  const clientIds = params.getAll("client_id");
  const redirectUris = params.getAll("redirect_uri");
  if (clientIds.length !== 1 || !clientIds[0]) return { kind: "error_page", reason: "The link did not say which service sent you." };
  const client = findClient(db, clientIds[0]);
  if (!client) return { kind: "error_page", reason: "The service that sent you here is not registered with Teacher ID." };
  if (redirectUris.length !== 1 || !client.redirectUris.includes(redirectUris[0])) {
    return { kind: "error_page", reason: "The service that sent you here gave an address to return to that is not registered with Teacher ID." };
  }
  const redirectUri = redirectUris[0];
  const state = params.getAll("state").length === 1 ? params.get("state") || undefined : undefined;
  let request: ValidRequest;
  try {
    request = validate(client, redirectUri, params);
  } catch (error) {
    if (!(error instanceof AuthorizeError)) throw error;
    return { kind: "redirect", location: errorRedirect(issuer, redirectUri, state, error.error, error.description) };
  }

  const session = readSession(db, cookieHeader, now);
  const fresh = session !== null && sessionIsFreshEnough(request, session.authTime, now);
  if (session && fresh && !request.trnToken) {
    const location = db.transaction((tx) =>
      issueCode(tx as unknown as IdentityDatabaseFile, issuer, {
        clientId: client.clientId,
        redirectUri,
        scope: request.scopes.join(" "),
        state: request.state,
        nonce: request.nonce,
        codeChallenge: request.codeChallenge,
        accountId: session.accountId,
        authTime: session.authTime,
        sessionIdHash: session.idHash,
        now,
      }),
    );
    return { kind: "redirect", location };
  }
  if (request.prompt === "none") {
    // Signed in recently enough, but a trn_token or prompt needs the user: interaction_required.
    const error = fresh ? "interaction_required" : "login_required";
    const description = error === "interaction_required" ? "The user must take part to continue." : "The user must sign in.";
    return { kind: "redirect", location: errorRedirect(issuer, redirectUri, request.state, error, description) };
  }
  // Only a request that must be stored counts: a signed-in teacher's goes straight back.
  if (storeLimit) {
    const limit = hitRateLimit(db, `authorize:ip:${storeLimit.ip}`, storeLimit.rule, now);
    if (!limit.allowed) return { kind: "rate_limited", retryAt: limit.retryAt };
  }
  const id = randomToken(16);
  insertAuthorizationRequest(db).run({
    id,
    clientId: client.clientId,
    redirectUri,
    scope: request.scopes.join(" "),
    state: request.state ?? null,
    nonce: request.nonce ?? null,
    codeChallenge: request.codeChallenge,
    prompt: request.prompt ?? null,
    maxAge: request.maxAge ?? null,
    trnTokenHash: request.trnToken ? sha256(request.trnToken) : null,
    createdAt: now,
    expiresAt: now + authorizationRequestTtlMs,
  });
  return { kind: "redirect", location: `/interaction/${id}` };
}

function errorRedirect(issuer: string, redirectUri: string, state: string | undefined, error: string, description: string): string {
  const url = new URL(redirectUri);
  url.searchParams.set("error", error);
  url.searchParams.set("error_description", description);
  if (state) url.searchParams.set("state", state);
  url.searchParams.set("iss", issuer);
  return url.toString();
}

interface CodeInput {
  clientId: string;
  redirectUri: string;
  scope: string;
  state?: string | null;
  nonce?: string | null;
  codeChallenge: string;
  accountId: string;
  authTime: number;
  /** The identity session signed in: signing out of it revokes the grant. */
  sessionIdHash: string | null;
  now: number;
}

/** Records a grant and a single-use code for it; returns the redirect back to the client. */
function issueCode(tx: IdentityDatabaseFile, issuer: string, input: CodeInput): string {
  const grantId = crypto.randomUUID();
  insertGrant(tx).run({
    id: grantId,
    clientId: input.clientId,
    accountId: input.accountId,
    scope: input.scope,
    sessionIdHash: input.sessionIdHash,
    createdAt: input.now,
  });
  const code = randomToken();
  insertCode(tx).run({
    codeHash: sha256(code),
    grantId,
    clientId: input.clientId,
    accountId: input.accountId,
    redirectUri: input.redirectUri,
    scope: input.scope,
    nonce: input.nonce ?? null,
    codeChallenge: input.codeChallenge,
    authTime: input.authTime,
    createdAt: input.now,
    expiresAt: input.now + authorizationCodeTtlMs,
  });
  const url = new URL(input.redirectUri);
  url.searchParams.set("code", code);
  if (input.state) url.searchParams.set("state", input.state);
  url.searchParams.set("iss", issuer);
  return url.toString();
}

/** A stored /authorize request that a journey can still finish. */
export interface PendingAuthorizationRequest {
  id: string;
  clientId: string;
  /** The client's name, to show the user ("to continue to Access your teaching qualifications"). */
  clientName: string;
  scopes: string[];
  /** SHA-256 of the trn_token the link carried, to look up in trn_tokens; null without one. */
  trnTokenHash: string | null;
  prompt: "login" | "none" | "create" | null;
  /** Seconds: the user must have signed in this recently. */
  maxAge: number | null;
  expiresAt: number;
}

/** The pending request, or null when it does not exist, has expired or was already completed. */
export function readPendingAuthorizationRequest(
  db: IdentityDatabaseFile,
  requestId: string,
  now = Date.now(),
): PendingAuthorizationRequest | null {
  const row = pendingRequest(db).get({ id: requestId, now });
  if (!row) return null;
  const client = findClient(db, row.clientId);
  if (!client) return null;
  return {
    id: row.id,
    clientId: row.clientId,
    clientName: client.name,
    scopes: row.scope.split(" "),
    trnTokenHash: row.trnTokenHash,
    prompt: row.prompt as PendingAuthorizationRequest["prompt"],
    maxAge: row.maxAge,
    expiresAt: row.expiresAt,
  };
}

export class AuthorizationRequestUnusableError extends Error {
  constructor() {
    super("The authorization request does not exist, has expired or was already completed.");
    this.name = "AuthorizationRequestUnusableError";
  }
}

/**
 * The journey has a signed-in account, in the session `sessionIdHash` (the grant remembers it, so
 * signing out of that session revokes the grant): issue the code and return the URL to redirect the browser
 * to (the client's redirect URI with `code`, `state`, `iss`). Completes the request exactly once;
 * throws AuthorizationRequestUnusableError when it is unknown, expired or already completed.
 * Pass `tx` from the journey's own transaction to make both atomic.
 */
export function completeAuthorization(
  db: IdentityDatabaseFile,
  input: { requestId: string; accountId: string; authTime: number; sessionIdHash: string; issuer?: string; now?: number },
): string {
  const now = input.now ?? Date.now();
  const run = (tx: IdentityDatabaseFile) => {
    const row = requestById(tx).get({ id: input.requestId });
    if (!row || row.expiresAt <= now) throw new AuthorizationRequestUnusableError();
    const completed = consumeOnce({ run: () => completeRequest(tx).run({ id: input.requestId, now }) });
    if (!completed) throw new AuthorizationRequestUnusableError();
    return issueCode(tx, input.issuer ?? issuerFor(db), {
      clientId: row.clientId,
      redirectUri: row.redirectUri,
      scope: row.scope,
      state: row.state,
      nonce: row.nonce,
      codeChallenge: row.codeChallenge,
      accountId: input.accountId,
      authTime: input.authTime,
      sessionIdHash: input.sessionIdHash,
      now,
    });
  };
  return inTransaction(db, run);
}

/**
 * Sends the user back to the client with an error (e.g. `access_denied` when they cancel), and
 * closes the request. Returns null when the request is no longer usable.
 */
export function abandonAuthorization(
  db: IdentityDatabaseFile,
  input: { requestId: string; error: "access_denied" | "login_required"; description: string; issuer?: string; now?: number },
): string | null {
  const now = input.now ?? Date.now();
  const row = db.select().from(authorizationRequests).where(eq(authorizationRequests.id, input.requestId)).get();
  if (!row || row.expiresAt <= now || row.completedAt !== null) return null;
  db.update(authorizationRequests).set({ completedAt: now }).where(eq(authorizationRequests.id, row.id)).run();
  return errorRedirect(input.issuer ?? issuerFor(db), row.redirectUri, row.state ?? undefined, input.error, input.description);
}

// completeAuthorization is called with the service's database or with a transaction already open.
function inTransaction<T>(db: IdentityDatabaseFile, run: (tx: IdentityDatabaseFile) => T): T {
  const sqlite = (db as { $client?: { inTransaction?: boolean } }).$client;
  if (sqlite && !sqlite.inTransaction) return db.transaction((tx) => run(tx as unknown as IdentityDatabaseFile));
  return run(db);
}

/**
 * IDENTITY_URL, saved by the service at start-up so journeys need not pass it around (kept in the
 * database, so it is found through a transaction too).
 */
export function registerIssuer(db: IdentityDatabaseFile, issuer: string): void {
  db.insert(settings).values({ key: "issuer", value: issuer }).onConflictDoUpdate({ target: settings.key, set: { value: issuer } }).run();
}
function issuerFor(db: IdentityDatabaseFile): string {
  const row = issuerSetting(db).get();
  if (!row) throw new Error("completeAuthorization needs the issuer: pass { issuer } or call registerIssuer at start-up");
  return row.value;
}
