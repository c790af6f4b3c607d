// Signing a teacher in at identity (authorization code flow, PKCE S256, state, nonce) and
// finishing it in the callback. Plain functions; sign-in-routes.tsx turns results into responses.
import { CodeChallengeMethod, OAuth2Client, OAuth2RequestError } from "arctic";
import type { AccessContext } from "../context";
import { accessScopes } from "../context";
import { IdentityUnavailableError } from "../oidc/identity-provider";
import { createSession, destroySession } from "../sessions/session";
import { IdTokenRejectedError, verifyIdToken } from "./id-token";
import { admitLoginAttempt, browserBinding, consumeLoginAttempt, startLoginAttempt } from "./login-attempts";
import type { SignInProblem } from "./sign-in-pages";

export type BeginResult =
  | { ok: true; location: string; setCookie?: string }
  | { ok: false; reason: "identity_unavailable" }
  /** Too many sign-ins started from this client IP: nothing stored; try again at `retryAt`. */
  | { ok: false; reason: "rate_limited"; retryAt: number };

export async function beginSignIn(
  ctx: AccessContext,
  input: { cookieHeader: string | null; returnTo: string; trnToken?: string; ip: string; /** "Create an account without a link": prompt=create. */ create?: boolean },
): Promise<BeginResult> {
  const rule = { limit: ctx.config.ACCESS_SIGN_IN_LIMIT_PER_IP, windowMs: ctx.config.ACCESS_SIGN_IN_TIMEOUT };
  const admitted = admitLoginAttempt(ctx.db, { ip: input.ip, rule });
  if (!admitted.allowed) {
    ctx.log.warn("sign_in_rate_limited", {});
    return { ok: false, reason: "rate_limited", retryAt: admitted.retryAt };
  }
  let authorizationEndpoint: string;
  let clientId: string;
  try {
    authorizationEndpoint = (await ctx.identity()).metadata.authorization_endpoint;
    clientId = ctx.clientCredentials().clientId;
  } catch (error) {
    ctx.log.error("sign_in_unavailable", { error: error as Error });
    return { ok: false, reason: "identity_unavailable" };
  }
  const timeoutMs = ctx.config.ACCESS_SIGN_IN_TIMEOUT;
  const browser = browserBinding(input.cookieHeader, ctx.secure, timeoutMs);
  const attempt = startLoginAttempt(ctx.db, {
    browserId: browser.id,
    returnTo: input.returnTo,
    viaTrnToken: input.trnToken !== undefined,
    createAccount: input.create === true,
    timeoutMs,
  });
  const client = new OAuth2Client(clientId, null, ctx.callbackUrl);
  const url = client.createAuthorizationURLWithPKCE(
    authorizationEndpoint,
    attempt.state,
    CodeChallengeMethod.S256,
    attempt.codeVerifier,
    accessScopes,
  );
  url.searchParams.set("nonce", attempt.nonce);
  if (input.trnToken !== undefined) url.searchParams.set("trn_token", input.trnToken);
  if (input.create) url.searchParams.set("prompt", "create");
  ctx.log.info("sign_in_started", { via_trn_token: input.trnToken !== undefined, create: input.create === true });
  return { ok: true, location: url.toString(), setCookie: browser.setCookie };
}

export interface CallbackInput {
  cookieHeader: string | null;
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  /** The login binding cookie's value. */
  browserId?: string;
}

export type CallbackResult =
  | { ok: true; returnTo: string; setCookie: string }
  | { ok: false; problem: SignInProblem; status: number; viaTrnToken?: boolean }
  | { ok: false; problem: "identity_unavailable"; status: number };

export async function completeSignIn(ctx: AccessContext, input: CallbackInput): Promise<CallbackResult> {
  let viaTrnToken: boolean | undefined;
  const refuse = (problem: SignInProblem, reason: string, status = 400): CallbackResult => {
    ctx.log.warn("sign_in_refused", { reason });
    return { ok: false, problem, status, viaTrnToken };
  };
  if (!input.state) return refuse("not_completed", "missing_state");
  const attempt = consumeLoginAttempt(ctx.db, { state: input.state, browserId: input.browserId });
  if (!attempt.ok) {
    const problem = attempt.reason === "already_used" ? "already_used" : attempt.reason === "expired" ? "expired" : "not_completed";
    return refuse(problem, attempt.reason);
  }
  viaTrnToken = attempt.viaTrnToken;
  try {
    const provider = await ctx.identity();
    const { metadata } = provider;
    // RFC 9207: the response must say it came from identity (defends against mix-up attacks).
    if (input.iss !== undefined ? input.iss !== metadata.issuer : metadata.authorization_response_iss_parameter_supported) {
      return refuse("not_completed", "iss_mismatch");
    }
    if (input.error !== undefined) {
      return input.error === "access_denied"
        ? refuse("access_denied", "access_denied")
        : refuse("identity_error", `identity_error:${input.error.slice(0, 40)}`);
    }
    if (!input.code) return refuse("not_completed", "missing_code");
    const credentials = ctx.clientCredentials();
    const client = new OAuth2Client(credentials.clientId, credentials.clientSecret, ctx.callbackUrl);
    let tokens;
    try {
      tokens = await client.validateAuthorizationCode(metadata.token_endpoint, input.code, attempt.codeVerifier);
    } catch (error) {
      if (error instanceof OAuth2RequestError) return refuse("not_completed", `token_error:${error.code}`);
      throw new IdentityUnavailableError("token request failed", { cause: error });
    }
    const data = tokens.data as Record<string, unknown>;
    if (typeof data.id_token !== "string" || typeof data.access_token !== "string") {
      return refuse("not_completed", "token_response_incomplete");
    }
    let claims;
    try {
      claims = await verifyIdToken(data.id_token, { provider, clientId: credentials.clientId, nonceHash: attempt.nonceHash });
    } catch (error) {
      if (error instanceof IdTokenRejectedError) return refuse("not_completed", `id_token:${error.reason}`);
      throw error;
    }
    // A new sign-in replaces whatever session this browser had.
    destroySession(ctx.db, input.cookieHeader, ctx.secure);
    const now = Date.now();
    const expiresIn = typeof data.expires_in === "number" && data.expires_in > 0 ? data.expires_in : 300;
    const { setCookie } = createSession(
      ctx.db,
      {
        sub: claims.sub,
        accessToken: data.access_token,
        idToken: data.id_token,
        accessTokenExpiresAt: now + expiresIn * 1000,
        // A registration (the magic link) or "Create an account without a link" that did create the
        // account: identity says so in the ID token (new_account, docs/CONTRACTS.md). A sign-in to an
        // account that already existed, or any sign-in access did not start as a registration, does not.
        accountCreatedNotice: (attempt.viaTrnToken || attempt.createAccount) && claims.new_account === true,
      },
      { secure: ctx.secure, lifetimeMs: ctx.config.ACCESS_SESSION_LIFETIME, now },
    );
    ctx.log.info("sign_in_completed", { sub: claims.sub, via_trn_token: attempt.viaTrnToken, new_account: claims.new_account === true });
    return { ok: true, returnTo: attempt.returnTo, setCookie };
  } catch (error) {
    ctx.log.error("sign_in_unavailable", { error: error as Error });
    return { ok: false, problem: "identity_unavailable", status: 503 };
  }
}
