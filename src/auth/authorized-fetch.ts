// A service-to-service request with a client-credentials bearer token. On a 401 the cached token
// is dropped and the request is sent once more with a new one: the cached token may have been
// revoked, or signed by a key identity no longer trusts.
// Only once: a second 401 is the answer (wrong credentials, missing scope), not a loop.
import type { TokenSource } from "./client-credentials";

export interface AuthorizedRequestInit extends Omit<RequestInit, "body" | "signal"> {
  /** A body that can be sent twice (a stream could not be replayed on the retry). */
  body?: string | URLSearchParams;
  /** Per attempt, so the retry gets its full time too. */
  timeoutMs?: number;
}

/**
 * fetch(url) with `authorization: Bearer <token from tokens>`, retried once with a fresh token on
 * a 401. Returns the last response, whatever its status; throws what fetch or the token source
 * throws (network error, timeout, TokenRequestError).
 */
export async function authorizedFetch(tokens: TokenSource, url: string | URL, init: AuthorizedRequestInit = {}): Promise<Response> {
  const { timeoutMs = 10_000, ...rest } = init;
  const send = async () => {
    const headers = new Headers(rest.headers);
    headers.set("authorization", `Bearer ${await tokens.getToken()}`);
    return fetch(url, { ...rest, headers, signal: AbortSignal.timeout(timeoutMs) });
  };
  const first = await send();
  if (first.status !== 401) return first;
  await first.body?.cancel();
  tokens.invalidate();
  return send();
}
