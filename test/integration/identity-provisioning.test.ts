// The all-in-one start: identity registers the clients the services need, keeps their secrets in
// the 0600 file, and shows the demo awarding client's secret once, with a curl that works.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { readProvisionedSecrets } from "../../src/config/internal-clients";
import { findClient, secretMatches } from "../../src/identity/clients/clients";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { developmentPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { decryptSecret, listSubscriptions } from "../../src/identity/webhooks/subscriptions";
import { freshServicePorts, retryOnPortClash, type ServicePorts } from "../helpers/ports";
import { startTestSystem } from "../helpers/system";
import { clientCredentialsToken } from "../helpers/identity-helpers";

let dataDir = "";
/** The first start's ports: the restart comes back at the same addresses. */
let ports: ServicePorts;
const provisioned = (dir: string) => readProvisionedSecrets({ ENVIRONMENT: "development", DATA_DIR: dir });
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("provisioning on start", () => {
  let demoSecret = "";

  test("first start: the internal clients exist, their secrets are in a 0600 file, the demo secret is shown once", async () => {
    // After a port clash, start again in a new directory: identity registers access's client with the first URLs.
    const system = await retryOnPortClash(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "teacher-id-provisioning-"));
      try {
        return await startTestSystem({ dataDir, ports: freshServicePorts() });
      } catch (error) {
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
    });
    ports = system.ports;
    try {
      const saved = provisioned(dataDir);
      expect(Object.keys(saved).sort()).toEqual(["access", "identity", "identityWebhookSecret", "records"]);
      expect(statSync(join(dataDir, "internal-client-secrets.json")).mode & 0o777).toBe(0o600);

      const records = await clientCredentialsToken(system.urls.identity, saved.records!.clientId, saved.records!.clientSecret);
      expect(decodeJwt(records)).toMatchObject({ client_id: "records-service", scope: "trn_token:write", aud: [system.urls.identity] });
      const identityToken = await clientCredentialsToken(system.urls.identity, saved.identity!.clientId, saved.identity!.clientSecret);
      expect(decodeJwt(identityToken)).toMatchObject({ scope: "teachers:read teachers:match", aud: [system.urls.identity, system.urls.records] });

      const db = openIdentityDatabase(dataDir);
      const access = findClient(db, "access-service")!;
      // records is subscribed to the account events it keeps, signed with the secret it reads from the file.
      const vault = await unlockKeyVault(db, developmentPassphrase);
      const [subscription, ...others] = listSubscriptions(db);
      db.$client.close();
      expect(others).toEqual([]);
      expect(subscription).toMatchObject({ url: `${system.urls.records}/webhooks/identity`, events: "UserRegistered,TrnBound,UserUpdated,UserMerged,UserDeleted", disabledAt: null });
      expect(decryptSecret(vault.webhookSecretKey, subscription!.id, subscription!.secretEncrypted)).toBe(saved.identityWebhookSecret!);
      expect(access.grantTypes).toContain("authorization_code");
      expect(access.scopes).toEqual(["openid", "email", "phone", "profile", "trn", "dqt:read", "teachers:read"]);
      expect(access.redirectUris).toEqual([`${system.urls.access}/sign-in/callback`]);
      expect(access.postLogoutRedirectUris).toEqual([`${system.urls.access}/signed-out`]);
      expect(access.initiateLoginUri).toBe(`${system.urls.access}/register`);

      const banner = system.system.announce.join("\n");
      demoSecret = /client_secret: (\S+)/.exec(banner)![1];
      const curl = banner.split("\n").find((line) => line.trim().startsWith("curl "))!.trim();
      // Run it as a newcomer would (asynchronously: the server runs in this process).
      const run = Bun.spawn(["sh", "-c", curl], { stdout: "pipe" });
      const output = await new Response(run.stdout).text();
      expect(await run.exited).toBe(0);
      const body = JSON.parse(output) as { access_token: string; scope: string };
      expect(body.scope).toBe("itt_outcome:write");
      expect(decodeJwt(body.access_token).aud).toEqual([system.urls.identity, system.urls.records]);

      // No secret reaches the logs.
      const logs = JSON.stringify(system.logs);
      for (const value of [demoSecret, ...Object.values(saved).map((c) => (typeof c === "string" ? c : c!.clientSecret))]) expect(logs).not.toContain(value);
    } finally {
      await system.stop();
    }
  });

  test("a restart keeps the same clients and secrets, and does not show the demo secret again", async () => {
    const before = provisioned(dataDir);
    const system = await startTestSystem({ dataDir, ports });
    try {
      expect(provisioned(dataDir)).toEqual(before);
      const banner = system.system.announce.join("\n");
      expect(banner).toContain("demo-awarding-service");
      expect(banner).not.toContain(demoSecret);
      expect(banner).toContain("rotate-secret demo-awarding-service");
      await clientCredentialsToken(system.urls.identity, "demo-awarding-service", demoSecret);
    } finally {
      await system.stop();
    }
  });

  test("a records client provisioned before /introspect existed gets the introspect scope on the next start", async () => {
    const db = openIdentityDatabase(dataDir);
    db.$client.query("UPDATE clients SET scopes = ? WHERE client_id = 'records-service'").run(JSON.stringify(["trn_token:write"]));
    db.$client.close();
    const system = await startTestSystem({ dataDir, ports });
    try {
      const after = openIdentityDatabase(dataDir);
      expect(findClient(after, "records-service")!.scopes).toEqual(["trn_token:write", "introspect"]);
      after.$client.close();
      expect(system.logs.some((l) => l.event === "client_scopes_added" && l.client_id === "records-service")).toBe(true);
      // A permission, not a token scope: records' tokens still carry only what it asked for.
      const saved = provisioned(dataDir).records!;
      const token = await clientCredentialsToken(system.urls.identity, saved.clientId, saved.clientSecret);
      expect(decodeJwt(token).scope).toBe("trn_token:write");
    } finally {
      await system.stop();
    }
  });

  test("identity alone in production registers only its own client, with the secret from its settings; no demo client, no secrets file", async () => {
    const alone = mkdtempSync(join(tmpdir(), "teacher-id-provisioning-alone-"));
    const identitySecret = "identity-secret-from-the-environment";
    const system = await startTestSystem({
      only: ["identity"],
      dataDir: alone,
      env: {
        ENVIRONMENT: "production",
        SIGNING_KEY_PASSPHRASE: "a production passphrase for this test",
        SMTP_URL: "smtp://127.0.0.1:1",
        NOTIFY_API_KEY: `test-${crypto.randomUUID()}-${crypto.randomUUID()}`,
        NOTIFY_SMS_TEMPLATE_ID: crypto.randomUUID(),
        IDENTITY_URL: "https://identity.example",
        RECORDS_URL: "https://records.example",
        ACCESS_URL: "https://access.example",
        IDENTITY_CLIENT_ID: "identity-at-records",
        IDENTITY_CLIENT_SECRET: identitySecret,
      },
    });
    try {
      expect(existsSync(join(alone, "internal-client-secrets.json"))).toBe(false);
      expect(system.system.announce).toEqual([]);
      const db = openIdentityDatabase(alone);
      expect(secretMatches(findClient(db, "identity-at-records")!, identitySecret)).toBe(true);
      expect(findClient(db, "identity-service")).toBeNull();
      expect(findClient(db, "demo-awarding-service")).toBeNull();
      expect(findClient(db, "records-service")).toBeNull();
      db.$client.close();
    } finally {
      await system.stop();
      rmSync(alone, { recursive: true, force: true });
    }
  });
});
