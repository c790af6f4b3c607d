// An OAuth 2.0 client-credentials token source for service-to-service calls (e.g. records ->
// identity POST /trn-tokens). The token is cached until shortly before it expires; concurrent
// callers share one request. Credentials are resolved lazily so a service can start before
// identity has provisioned them (the first call that needs a token fails and is retried).
export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId?: string;
  clientSecret?: string;
  /** Instead of clientId/clientSecret: read on each token request (e.g. () => internalClientCredentials(config, "records")). */
  credentials?: () => { clientId: string; clientSecret: string };
  scope: string;
  /** Refresh this long before expiry. */
  refreshMarginMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

export interface TokenSource {
  getToken(): Promise<string>;
  /** Drop the cached token (e.g. after a 401 from the resource server). */
  invalidate(): void;
}

export class TokenRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "TokenRequestError";
  }
}

export function createClientCredentialsTokenSource(options: ClientCredentialsOptions): TokenSource {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 30_000;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function request(): Promise<string> {
    const { clientId, clientSecret } = options.credentials
      ? options.credentials()
      : { clientId: options.clientId ?? "", clientSecret: options.clientSecret ?? "" };
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64");
    const requestedAt = now();
    const response = await fetch(options.tokenUrl, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: options.scope }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || typeof body.access_token !== "string") {
      throw new TokenRequestError(`token endpoint replied ${response.status}${body.error ? ` ${body.error}` : ""}`, response.status);
    }
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : 60) * 1000;
    // Never cache for less than half the lifetime, whatever the margin: short tokens still get reused.
    cached = { token: body.access_token, refreshAt: requestedAt + Math.max(lifetimeMs - margin, lifetimeMs / 2) };
    return body.access_token;
  }

  return {
    async getToken() {
      if (cached && now() < cached.refreshAt) return cached.token;
      pending ??= request().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
