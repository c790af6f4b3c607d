// Per-client rate limits on the JSON APIs, with the IETF RateLimit fields on every response they
// see. Two quota policies (draft-ietf-httpapi-ratelimit-headers-10, "RateLimit header fields for
// HTTP", sections 3 and 4; the -11 revision keeps this syntax):
//
//   "default":     requests per minute per client_id, counted once the client is authenticated
//                  (its registered limit, or API_RATE_LIMIT when it has none):
//                    RateLimit-Policy: "default";q=1000;w=60
//                    RateLimit: "default";r=997;t=42
//   "failed-auth": failed authentications per minute per client IP (API_FAILED_AUTH_LIMIT_PER_IP),
//                  checked before authenticating, so a flood of bad credentials or forged tokens
//                  stops at the door without costing a lookup or a signature check each. Only
//                  failures count: one address may carry many busy, well-behaved clients.
//
// A refused request gets 429 problem+json of the draft's "quota-exceeded" type, with Retry-After
// (seconds until the window ends; the RateLimit `t` says the same). Counts live in this process's
// memory (fixed-window.ts): each service, and each process, counts its own requests.
import type { Logger } from "../log/logger";
import { problemResponse } from "../web/problem";
import { FixedWindowCounter, type WindowCount } from "./fixed-window";

/** Every policy's window: quotas are per minute. */
export const rateLimitWindowSeconds = 60;

export const quotaExceededType = "https://iana.org/assignments/http-problem-types#quota-exceeded";

export type RateLimitPolicy = "default" | "failed-auth";

/** Response headers as Elysia's `set.headers` holds them; they are merged into whatever the route returns. */
export type ResponseHeaders = Record<string, string | number>;

export interface ApiRateLimiterOptions {
  /** Requests per minute for a client that has no limit of its own. */
  defaultLimit: number;
  /** Failed authentications per minute from one client IP before its requests are refused unread. */
  failedAuthLimitPerIp: number;
  logger?: Logger;
  now?: () => number;
}

export interface ApiRateLimiter {
  readonly defaultLimit: number;
  /**
   * Counts one request of an authenticated client against its limit (`limit` when the client has its
   * own, else the default) and writes the RateLimit fields to `headers`. Returns the 429 to send when
   * the client is over its limit, else undefined.
   */
  admit(headers: ResponseHeaders, clientId: string, limit?: number | null): Response | undefined;
  /**
   * Before authenticating: the 429 to send when the request's address has failed authentication too
   * often this minute, else undefined. `address` is called only when some address has failed lately.
   */
  refuseAddress(headers: ResponseHeaders, address: () => string): Response | undefined;
  /** Counts a failed authentication (401) from `address`, and writes the "failed-auth" fields to `headers`. */
  authenticationFailed(headers: ResponseHeaders, address: string): void;
}

// Structured-field Lists (RFC 8941): the policy name is a String item, q/w/r/t Integer parameters.
export function rateLimitPolicyField(policy: RateLimitPolicy, quota: number): string {
  return `"${policy}";q=${quota};w=${rateLimitWindowSeconds}`;
}

export function rateLimitField(policy: RateLimitPolicy, remaining: number, resetMs: number): string {
  return `"${policy}";r=${remaining};t=${secondsUntil(resetMs)}`;
}

/** Whole seconds, rounded up: a client that waits this long finds the window ended. */
function secondsUntil(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function createApiRateLimiter(options: ApiRateLimiterOptions): ApiRateLimiter {
  const now = options.now ?? Date.now;
  const windowMs = rateLimitWindowSeconds * 1000;
  const clients = new FixedWindowCounter(windowMs);
  const failures = new FixedWindowCounter(windowMs);
  // The policy field is the same for every response under one quota: made once per quota.
  const policyFields = new Map<string, string>();
  const policyField = (policy: RateLimitPolicy, quota: number) => {
    const key = `${policy}:${quota}`;
    let field = policyFields.get(key);
    if (field === undefined) {
      field = rateLimitPolicyField(policy, quota);
      if (policyFields.size < 1000) policyFields.set(key, field);
    }
    return field;
  };
  const writeFields = (headers: ResponseHeaders, policy: RateLimitPolicy, quota: number, count: Pick<WindowCount, "remaining" | "resetMs">) => {
    headers["ratelimit-policy"] = policyField(policy, quota);
    headers["ratelimit"] = rateLimitField(policy, count.remaining, count.resetMs);
  };
  const tooMany = (headers: ResponseHeaders, policy: RateLimitPolicy, resetMs: number, detail: string) => {
    headers["retry-after"] = String(secondsUntil(resetMs));
    return problemResponse({
      type: quotaExceededType,
      title: "Too many requests",
      status: 429,
      detail,
      "violated-policies": [policy],
    });
  };

  return {
    defaultLimit: options.defaultLimit,
    admit(headers, clientId, limit) {
      const quota = limit ?? options.defaultLimit;
      const count = clients.hit(clientId, quota, now());
      writeFields(headers, "default", quota, count);
      if (count.allowed) return undefined;
      if (count.firstRefusal) options.logger?.warn("api_rate_limited", { policy: "default", client_id: clientId, limit: quota });
      return tooMany(
        headers,
        "default",
        count.resetMs,
        `This client may make ${quota} requests a minute to this service. Try again in ${secondsUntil(count.resetMs)} seconds.`,
      );
    },
    refuseAddress(headers, address) {
      const at = now();
      if (failures.idle(at)) return undefined;
      const quota = options.failedAuthLimitPerIp;
      const count = failures.peek(address(), quota, at);
      if (count.allowed) return undefined;
      writeFields(headers, "failed-auth", quota, count);
      return tooMany(
        headers,
        "failed-auth",
        count.resetMs,
        `Too many requests from this address failed authentication. Try again in ${secondsUntil(count.resetMs)} seconds.`,
      );
    },
    authenticationFailed(headers, address) {
      const quota = options.failedAuthLimitPerIp;
      const count = failures.hit(address, quota, now());
      writeFields(headers, "failed-auth", quota, count);
      if (count.remaining === 0 && count.allowed) {
        options.logger?.warn("api_rate_limited", { policy: "failed-auth", limit: quota });
      }
    },
  };
}
