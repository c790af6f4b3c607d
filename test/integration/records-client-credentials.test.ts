// The client-credentials token source against a real HTTP token endpoint.
import { afterAll, describe, expect, test } from "bun:test";
import { createClientCredentialsTokenSource } from "../../src/auth/client-credentials";

const requests: { authorization: string | null; body: URLSearchParams }[] = [];
let expiresIn = 300;
let status = 200;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const body = new URLSearchParams(await request.text());
    requests.push({ authorization: request.headers.get("authorization"), body });
    await Bun.sleep(5);
    if (status !== 200) return Response.json({ error: "invalid_client" }, { status });
    return Response.json({ access_token: `token-${requests.length}`, token_type: "Bearer", expires_in: expiresIn });
  },
});
afterAll(() => server.stop(true));
const tokenUrl = `http://127.0.0.1:${server.port}/token`;

describe("client-credentials token source", () => {
  test("asks with client_secret_basic for the scope, caches the token, and shares one request between callers", async () => {
    requests.length = 0;
    let now = 1_000_000;
    const source = createClientCredentialsTokenSource({ tokenUrl, clientId: "records-service", clientSecret: "s3cret:/+", scope: "trn_token:write", now: () => now });
    const [a, b] = await Promise.all([source.getToken(), source.getToken()]);
    expect(a).toBe("token-1");
    expect(b).toBe("token-1");
    expect(requests).toHaveLength(1);
    expect(requests[0].body.get("grant_type")).toBe("client_credentials");
    expect(requests[0].body.get("scope")).toBe("trn_token:write");
    const [id, secret] = atob(requests[0].authorization!.replace("Basic ", "")).split(":");
    expect([decodeURIComponent(id), decodeURIComponent(secret)]).toEqual(["records-service", "s3cret:/+"]);

    now += 200_000; // still well before expiry
    expect(await source.getToken()).toBe("token-1");
    now += 80_000; // within 30 s of expiry: refreshed
    expect(await source.getToken()).toBe("token-2");
    source.invalidate();
    expect(await source.getToken()).toBe("token-3");
  });

  test("credentials can be read lazily, and a refused request throws (nothing cached)", async () => {
    requests.length = 0;
    let calls = 0;
    const source = createClientCredentialsTokenSource({
      tokenUrl,
      credentials: () => {
        calls++;
        return { clientId: "c", clientSecret: "s" };
      },
      scope: "x",
    });
    status = 401;
    await expect(source.getToken()).rejects.toThrow("token endpoint replied 401 invalid_client");
    status = 200;
    expect(await source.getToken()).toStartWith("token-");
    expect(calls).toBe(2);
  });
});
