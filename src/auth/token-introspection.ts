// Asks identity (POST /introspect, RFC 7662) whether a teacher's access token still stands, so a
// resource server refuses the tokens of a revoked grant within seconds instead of at expiry.
// Only user tokens need asking (those with a grant_id): machine tokens cannot be revoked and stay
// checked by signature alone, with no call to identity.
//
// Each answer is kept for `cacheTtlMs` per token, so a page that calls the API several times asks
// once; that TTL is how long a revoked token can still be used. Concurrent requests with one token
// share one question. When identity cannot answer (down, slow, refusing our credentials) the status
// is "unknown" and the caller refuses the token: fail closed (docs/OPERATIONS.md, "Revoked tokens").
import type { ClientCredentials } from "../config/internal-clients";
import type { Logger } from "../log/logger";

export type TokenStatus = "active" | "inactive" | "unknown";

export interface TokenIntrospectorOptions {
  /** identity's POST /introspect. */
  introspectionUrl: string;
  /** A client with the `introspect` scope; read on each question (serve provisions it after start). */
  credentials: () => ClientCredentials;
  /** How long an answer is kept. */
  cacheTtlMs: number;
  /** How long to wait for identity before answering "unknown". */
  timeoutMs?: number;
  /** How many answers to keep. */
  cacheSize?: number;
  logger?: Logger;
  now?: () => number;
}

export interface TokenIntrospector {
  status(token: string): Promise<TokenStatus>;
}

export function createTokenIntrospector(options: TokenIntrospectorOptions): TokenIntrospector {
  const now = options.now ?? Date.now;
  const cacheSize = options.cacheSize ?? 10_000;
  const answers = new Map<string, { status: "active" | "inactive"; until: number }>();
  const pending = new Map<string, Promise<TokenStatus>>();

  function remember(token: string, status: "active" | "inactive") {
    if (options.cacheTtlMs <= 0) return;
    if (answers.size >= cacheSize) {
      const at = now();
      for (const [key, answer] of answers) if (answer.until <= at) answers.delete(key);
      if (answers.size >= cacheSize) answers.clear();
    }
    answers.set(token, { status, until: now() + options.cacheTtlMs });
  }

  async function ask(token: string): Promise<TokenStatus> {
    let reason: string;
    try {
      const { clientId, clientSecret } = options.credentials();
      // RFC 6749 §2.3.1: each part form-encoded before Basic encoding.
      const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64");
      const response = await fetch(options.introspectionUrl, {
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ token, token_type_hint: "access_token" }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
      });
      const body = (await response.json().catch(() => undefined)) as { active?: unknown; error?: unknown } | undefined;
      if (response.status === 200 && typeof body?.active === "boolean") {
        const status = body.active ? "active" : "inactive";
        remember(token, status);
        return status;
      }
      reason = `HTTP ${response.status}${typeof body?.error === "string" ? ` ${body.error}` : ""}`;
    } catch (error) {
      reason = (error as Error).name === "TimeoutError" ? "timed out" : (error as Error).message;
    }
    options.logger?.error("token_introspection_failed", { reason, url: options.introspectionUrl });
    return "unknown";
  }

  return {
    async status(token) {
      const answer = answers.get(token);
      if (answer && answer.until > now()) return answer.status;
      let question = pending.get(token);
      if (!question) {
        question = ask(token).finally(() => pending.delete(token));
        pending.set(token, question);
      }
      return question;
    },
  };
}
