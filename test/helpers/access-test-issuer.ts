// A tiny but real OpenID Connect issuer for access's tests: real HTTP, real ES256 signatures, real
// PKCE checks. It lets a test do what identity never would (sign with the wrong key, send another
// nonce, say it is another issuer) to prove access refuses it. Not a test file: imported by them.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { createHash, randomBytes } from "node:crypto";

export type IdTokenTamper =
  | "none"
  | "signature"
  | "other_key"
  | "wrong_nonce"
  | "wrong_audience"
  | "shared_audience"
  | "other_azp"
  | "wrong_issuer"
  | "expired"
  | "alg_none";

export interface TestIssuer {
  url: string;
  /** Every /authorize request's query parameters, in order. */
  authorizeRequests: URLSearchParams[];
  tokenRequests: URLSearchParams[];
  endSessionRequests: URLSearchParams[];
  /** What the next tokens look like; change between steps of a test. */
  behaviour: {
    tamper: IdTokenTamper;
    /** Answer /authorize with this error instead of a code. */
    authorizeError?: string;
    /** Leave `iss` out of the authorization response, or send this value instead. */
    responseIss?: string | null;
    claims: Record<string, unknown>;
    accessTokenExpiresIn: number;
  };
  client: { id: string; secret: string; redirectUri: string };
  stop(): void;
}

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString("base64url");

export async function startTestIssuer(): Promise<TestIssuer> {
  const key = await generateKeyPair("ES256", { extractable: true });
  const otherKey = await generateKeyPair("ES256", { extractable: true });
  const publicJwk: JWK = await exportJWK(key.publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string; used: boolean }>();
  const issuer: TestIssuer = {
    url: "",
    authorizeRequests: [],
    tokenRequests: [],
    endSessionRequests: [],
    behaviour: {
      tamper: "none",
      claims: { sub: "teacher-1", trn: "1234567", name: "Jane Smith", given_name: "Jane", family_name: "Smith" },
      accessTokenExpiresIn: 900,
    },
    client: { id: "access-service", secret: randomBytes(32).toString("base64url"), redirectUri: "" },
    stop: () => server.stop(true),
  };

  const sign = async (claims: Record<string, unknown>, signingKey: CryptoKey, alg = "ES256") =>
    new SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(signingKey);

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const json = (body: unknown, status = 200) =>
        new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "cache-control": "no-store" } });
      switch (url.pathname) {
        case "/.well-known/openid-configuration":
          return json({
            issuer: issuer.url,
            authorization_endpoint: `${issuer.url}/authorize`,
            token_endpoint: `${issuer.url}/token`,
            jwks_uri: `${issuer.url}/jwks`,
            end_session_endpoint: `${issuer.url}/end-session`,
            authorization_response_iss_parameter_supported: true,
            id_token_signing_alg_values_supported: ["ES256"],
            code_challenge_methods_supported: ["S256"],
          });
        case "/jwks":
          return json({ keys: [{ ...publicJwk, kid, alg: "ES256", use: "sig" }] });
        case "/authorize": {
          const params = url.searchParams;
          issuer.authorizeRequests.push(params);
          if (params.get("client_id") !== issuer.client.id || params.get("redirect_uri") !== issuer.client.redirectUri) {
            return new Response("bad client or redirect_uri", { status: 400 });
          }
          const back = new URL(issuer.client.redirectUri);
          const state = params.get("state");
          if (state) back.searchParams.set("state", state);
          const iss = issuer.behaviour.responseIss === undefined ? issuer.url : issuer.behaviour.responseIss;
          if (iss !== null) back.searchParams.set("iss", iss);
          if (issuer.behaviour.authorizeError) {
            back.searchParams.set("error", issuer.behaviour.authorizeError);
          } else {
            if (params.get("code_challenge_method") !== "S256") return new Response("PKCE S256 required", { status: 400 });
            const code = randomBytes(32).toString("base64url");
            codes.set(code, {
              challenge: params.get("code_challenge") ?? "",
              nonce: params.get("nonce") ?? "",
              redirectUri: params.get("redirect_uri") ?? "",
              used: false,
            });
            back.searchParams.set("code", code);
          }
          return new Response(null, { status: 302, headers: { location: back.toString() } });
        }
        case "/token": {
          const body = new URLSearchParams(await request.text());
          issuer.tokenRequests.push(body);
          const expectedAuth = `Basic ${btoa(`${issuer.client.id}:${issuer.client.secret}`)}`;
          if (request.headers.get("authorization") !== expectedAuth) return json({ error: "invalid_client" }, 401);
          const grant = codes.get(body.get("code") ?? "");
          if (!grant || grant.used || grant.redirectUri !== body.get("redirect_uri")) return json({ error: "invalid_grant" }, 400);
          grant.used = true;
          const verifier = body.get("code_verifier") ?? "";
          if (b64url(createHash("sha256").update(verifier).digest()) !== grant.challenge) return json({ error: "invalid_grant" }, 400);
          const now = Math.floor(Date.now() / 1000);
          const tamper = issuer.behaviour.tamper;
          const claims: Record<string, unknown> = {
            iss: tamper === "wrong_issuer" ? "http://127.0.0.1:1" : issuer.url,
            aud:
              tamper === "wrong_audience"
                ? "some-other-client"
                : tamper === "shared_audience"
                  ? [issuer.client.id, "some-other-client"]
                  : issuer.client.id,
            ...(tamper === "other_azp" ? { azp: "some-other-client" } : {}),
            iat: now,
            exp: tamper === "expired" ? now - 600 : now + 300,
            nonce: tamper === "wrong_nonce" ? "not-the-nonce-access-sent" : grant.nonce,
            auth_time: now,
            ...issuer.behaviour.claims,
          };
          let idToken = await sign(claims, tamper === "other_key" ? otherKey.privateKey : key.privateKey);
          if (tamper === "signature") {
            // Change the payload, keep the signature: the classic forged token.
            const [header, , signature] = idToken.split(".");
            const forged = b64url(Buffer.from(JSON.stringify({ ...claims, sub: "someone-else", trn: "7654321" })));
            idToken = `${header}.${forged}.${signature}`;
          }
          if (tamper === "alg_none") {
            idToken = `${b64url(Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })))}.${b64url(Buffer.from(JSON.stringify(claims)))}.`;
          }
          return json({
            access_token: `at-${randomBytes(16).toString("hex")}`,
            token_type: "Bearer",
            expires_in: issuer.behaviour.accessTokenExpiresIn,
            id_token: idToken,
            scope: "openid email profile dqt:read trn",
          });
        }
        case "/end-session": {
          issuer.endSessionRequests.push(url.searchParams);
          const back = url.searchParams.get("post_logout_redirect_uri");
          if (!back) return new Response("signed out", { status: 200 });
          const target = new URL(back);
          const state = url.searchParams.get("state");
          if (state) target.searchParams.set("state", state);
          return new Response(null, { status: 302, headers: { location: target.toString() } });
        }
      }
      return new Response("not found", { status: 404 });
    },
  });
  issuer.url = `http://127.0.0.1:${server.port}`;
  return issuer;
}
