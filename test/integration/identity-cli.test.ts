// `teacher-id identity clients ...` and `identity keys rotate`, run against the data directory of
// a running identity service, as an operator would.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { createAccessTokenVerifier } from "../../src/auth/verify-access-token";
import { listClients } from "../../src/identity/clients/clients";
import { otherConnectionsCheckMs } from "../../src/identity/db/other-connections";
import { runCli } from "../../src/main";
import { basicAuth, clientCredentialsToken, startIdentity, type IdentityUnderTest } from "../helpers/identity-helpers";

let identity: IdentityUnderTest;

beforeAll(async () => {
  identity = await startIdentity({ env: { RECORDS_URL: "https://records.example" } });
});
afterAll(() => identity.stop());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { DATA_DIR: identity.system.dataDir, IDENTITY_URL: identity.issuer },
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const secretIn = (output: string) => /client_secret: (\S+)/.exec(output)![1];

describe("identity clients", () => {
  test("add prints the secret once, and the client can get a token with it at the running service", async () => {
    const result = await cli(
      "identity", "clients", "add",
      "--name", "Register trainee teachers",
      "--client-id", "register",
      "--grant-types", "client_credentials",
      "--scopes", "itt_outcome:write",
    );
    expect(result.code).toBe(0);
    const secret = secretIn(result.out);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = await clientCredentialsToken(identity.issuer, "register", secret, "itt_outcome:write");
    expect(token.split(".")).toHaveLength(3);
    const list = await cli("identity", "clients", "list");
    expect(list.code).toBe(0);
    expect(list.out).toContain("register  (Register trainee teachers)");
    expect(list.out).not.toContain(secret);
  });

  test("a browser client with repeatable redirect URIs", async () => {
    const result = await cli(
      "identity", "clients", "add",
      "--name", "Portal",
      "--client-id", "portal",
      "--grant-types", "authorization_code,refresh_token",
      "--scopes", "openid email trn",
      "--redirect-uri", "https://portal.example/callback",
      "--redirect-uri", "http://localhost:3000/callback",
      "--post-logout-redirect-uri", "https://portal.example/signed-out",
      "--initiate-login-uri", "https://portal.example/register",
    );
    expect(result.code).toBe(0);
    const client = listClients(identity.db).find((c) => c.clientId === "portal")!;
    expect(client.redirectUris).toEqual(["https://portal.example/callback", "http://localhost:3000/callback"]);
    expect(client.scopes).toEqual(["openid", "email", "trn"]);
  });

  test("bad input: a clear message, exit 2, nothing changed", async () => {
    const before = listClients(identity.db).length;
    const cases: [string[], string][] = [
      [["--name", "X", "--client-id", "x1", "--grant-types", "password", "--scopes", "openid"], "--grant-types must each be one of"],
      [["--name", "X", "--client-id", "x2", "--grant-types", "client_credentials", "--scopes", "everything"], "--scopes must each be one of"],
      [["--name", "X", "--client-id", "x3", "--grant-types", "authorization_code", "--scopes", "openid"], "--redirect-uri are required"],
      [
        ["--name", "X", "--client-id", "x4", "--grant-types", "authorization_code", "--scopes", "openid", "--redirect-uri", "http://evil.example/cb"],
        "--redirect-uri must be an absolute https:// URL",
      ],
      [["--name", "X", "--client-id", "x5", "--grant-types", "client_credentials", "--scopes", "openid"], "'openid' is a scope for signed-in users"],
      [["--name", "X", "--client-id", "a b", "--grant-types", "client_credentials", "--scopes", "teachers:read"], "--client-id must be"],
      [["--name", "X"], "Missing --client-id, --grant-types, --scopes"],
      [["--name", "Again", "--client-id", "register", "--grant-types", "client_credentials", "--scopes", "teachers:read"], "already exists"],
    ];
    for (const [args, message] of cases) {
      const result = await cli("identity", "clients", "add", ...args);
      expect(result.code).toBe(2);
      expect(result.err).toContain(message);
    }
    const unknownOption = await cli("identity", "clients", "add", "--colour", "red");
    expect(unknownOption.code).toBe(2);
    expect(listClients(identity.db).length).toBe(before);
    expect((await cli("identity", "clients", "remove", "nobody")).code).toBe(2);
    expect((await cli("identity", "clients", "rotate-secret")).code).toBe(2);
  });

  // The service looks for other connections' changes at most every otherConnectionsCheckMs. The
  // real command is a process of its own that takes far longer than that; here it runs in the
  // test's process in about a millisecond, so each check below waits out that interval.
  test("rotate-secret: within otherConnectionsCheckMs the old secret stops working, the new one works; remove: nothing works", async () => {
    const added = await cli("identity", "clients", "add", "--name", "R", "--client-id", "rotating", "--grant-types", "client_credentials", "--scopes", "teachers:read");
    const oldSecret = secretIn(added.out);
    const rotated = await cli("identity", "clients", "rotate-secret", "rotating");
    expect(rotated.code).toBe(0);
    await Bun.sleep(otherConnectionsCheckMs + 1);
    const newSecret = secretIn(rotated.out);
    const ask = async (secret: string) => {
      const response = await fetch(`${identity.issuer}/token`, {
        method: "POST",
        headers: { authorization: basicAuth("rotating", secret) },
        body: new URLSearchParams({ grant_type: "client_credentials" }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const refused = { status: 401, body: { error: "invalid_client" } };
    expect(await ask(oldSecret)).toMatchObject(refused);
    expect(await ask(newSecret)).toMatchObject({ status: 200, body: { access_token: expect.any(String), scope: "teachers:read" } });
    expect((await cli("identity", "clients", "remove", "rotating")).code).toBe(0);
    await Bun.sleep(otherConnectionsCheckMs + 1);
    expect(await ask(newSecret)).toMatchObject(refused);
  });

  test("--help on each command", async () => {
    for (const argv of [
      ["identity", "--help"],
      ["identity", "clients", "--help"],
      ["identity", "clients", "add", "--help"],
      ["identity", "clients", "list", "--help"],
      ["identity", "clients", "remove", "--help"],
      ["identity", "clients", "rotate-secret", "--help"],
      ["identity", "keys", "rotate", "--help"],
    ]) {
      const result = await cli(...argv);
      expect(result.code).toBe(0);
      expect(result.out).toContain(`Usage: teacher-id ${argv.slice(0, -1).join(" ")}`);
    }
  });
});

describe("identity keys rotate", () => {
  // As above: the command runs in the test's process, so the test waits out otherConnectionsCheckMs.
  test("within otherConnectionsCheckMs of the command, new tokens carry the new kid; tokens from the old key still verify against the JWKS", async () => {
    const secret = secretIn(
      (await cli("identity", "clients", "add", "--name", "K", "--client-id", "keys-test", "--grant-types", "client_credentials", "--scopes", "itt_outcome:write")).out,
    );
    const before = await clientCredentialsToken(identity.issuer, "keys-test", secret);
    const oldKid = decodeProtectedHeader(before).kid;
    const jwksUrl = `${identity.issuer}/.well-known/jwks.json`;
    // The first start's two keys (the JWKS answers once the RS256 one, made in the background, is stored).
    expect(((await (await fetch(jwksUrl)).json()) as { keys: unknown[] }).keys).toHaveLength(2);

    const result = await cli("identity", "keys", "rotate");
    expect(result.code).toBe(0);
    expect(result.out).toContain("New ES256 signing key: kid");
    await Bun.sleep(otherConnectionsCheckMs + 1);

    const after = await clientCredentialsToken(identity.issuer, "keys-test", secret);
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).not.toBe(oldKid);
    expect(result.out).toContain(newKid!);

    const { keys } = (await (await fetch(`${identity.issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(keys.map((k) => k.kid)).toContain(oldKid!);
    expect(keys.map((k) => k.kid)).toContain(newKid!);
    expect(keys).toHaveLength(4);

    const jwks = createRemoteJWKSet(new URL(`${identity.issuer}/.well-known/jwks.json`));
    for (const token of [before, after]) await jwtVerify(token, jwks, { issuer: identity.issuer, audience: "https://records.example" });
    const verifier = createAccessTokenVerifier({
      issuer: identity.issuer,
      audience: "https://records.example",
      jwksUrl: `${identity.issuer}/.well-known/jwks.json`,
    });
    for (const token of [before, after]) expect(await verifier.verify(`Bearer ${token}`, "itt_outcome:write")).not.toBeInstanceOf(Response);
  });
});
