// identity as seen from access: its discovery document and signing keys, fetched over HTTP and
// cached. A failed refresh keeps the last good copy, so a blip at identity does not sign anyone out.
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import type { Logger } from "../../log/logger";

const metadataSchema = z
  .object({
    issuer: z.string().min(1),
    authorization_endpoint: z.url(),
    token_endpoint: z.url(),
    jwks_uri: z.url(),
    end_session_endpoint: z.url().optional(),
    authorization_response_iss_parameter_supported: z.boolean().optional(),
    id_token_signing_alg_values_supported: z.array(z.string()).optional(),
  })
  .loose();

export type ProviderMetadata = z.output<typeof metadataSchema>;

export interface IdentityProvider {
  metadata: ProviderMetadata;
  /** Keys by `kid`; refetched by jose when a token names a kid it has not seen. */
  keys: JWTVerifyGetKey;
}

/** identity cannot be reached or answered with something that is not its discovery document. */
export class IdentityUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IdentityUnavailableError";
  }
}

const refreshAfterMs = 60 * 60 * 1000;
const timeoutMs = 5000;

/** How long sign-out waits for identity before saying it cannot be reached. */
const reachableTimeoutMs = 2000;

export interface IdentityProviderSource {
  (): Promise<IdentityProvider>;
  /**
   * Whether identity answers now (its discovery document, within 2 s). The cached copy cannot say:
   * before sending the browser to identity's end-session page, sign-out asks this, so a teacher is
   * never sent to a page that will not load.
   */
  reachable(): Promise<boolean>;
}

/** Returns a function giving identity's current metadata and keys. */
export function identityProvider(identityUrl: string, logger: Logger): IdentityProviderSource {
  let current: { provider: IdentityProvider; fetchedAt: number } | undefined;
  let inFlight: Promise<IdentityProvider> | undefined;

  const fetchProvider = async (): Promise<IdentityProvider> => {
    const url = `${identityUrl}/.well-known/openid-configuration`;
    let body: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch (cause) {
      throw new IdentityUnavailableError(`could not fetch ${url}`, { cause });
    }
    const parsed = metadataSchema.safeParse(body);
    if (!parsed.success) throw new IdentityUnavailableError(`${url} is not an OpenID Connect discovery document`);
    // OpenID Connect Discovery 1.0 section 4.3: the issuer must be the URL the document came from.
    if (parsed.data.issuer.replace(/\/+$/, "") !== identityUrl) {
      throw new IdentityUnavailableError(`issuer ${parsed.data.issuer} is not IDENTITY_URL ${identityUrl}`);
    }
    const previous = current?.provider;
    const keys =
      previous && previous.metadata.jwks_uri === parsed.data.jwks_uri
        ? previous.keys
        : createRemoteJWKSet(new URL(parsed.data.jwks_uri), { timeoutDuration: timeoutMs, cooldownDuration: 30_000 });
    return { metadata: parsed.data, keys };
  };

  const provider = async () => {
    if (current && Date.now() - current.fetchedAt < refreshAfterMs) return current.provider;
    inFlight ??= fetchProvider()
      .then((provider) => {
        current = { provider, fetchedAt: Date.now() };
        return provider;
      })
      .catch((error) => {
        if (current) {
          logger.warn("identity_discovery_refresh_failed", { error: error as Error });
          return current.provider;
        }
        throw error;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  const reachable = async (): Promise<boolean> => {
    try {
      const response = await fetch(`${identityUrl}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(reachableTimeoutMs),
        headers: { accept: "application/json" },
      });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  };
  return Object.assign(provider, { reachable });
}
