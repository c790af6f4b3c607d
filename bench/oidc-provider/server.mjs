// panva's oidc-provider, set up for the one thing the benchmark compares: POST /token with
// client_credentials, issuing an ES256 JWT access token (as teacher-id does), client_secret_basic.
// Usage: node bench/oidc-provider/server.mjs PORT
import { generateKeyPairSync, randomUUID } from "node:crypto";
import Provider from "oidc-provider";

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), alg: "ES256", use: "sig" };

const provider = new Provider(issuer, {
  ttl: { ClientCredentials: 900 },
  jwks: { keys: [jwk] },
  clients: [
    {
      client_id: "bench",
      client_secret: "bench-secret-bench-secret-bench-secret",
      grant_types: ["client_credentials"],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "ES256",
      scope: "itt_outcome:write",
    },
  ],
  scopes: ["itt_outcome:write"],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => "https://records.example",
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: "itt_outcome:write",
        audience: "records",
        accessTokenTTL: 900,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: "ES256" } },
      }),
    },
  },
});
provider.listen(port, "127.0.0.1");
