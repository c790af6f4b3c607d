// Shared set-up for identity's protocol tests: a running identity service, and direct access to
// its database for the things an operator or D's sign-in journey would do (clients, accounts, sessions).
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { createClient, type NewClient, newClientSchema } from "../../src/identity/clients/clients";
import { accounts } from "../../src/identity/db/schema";
import { createSession } from "../../src/identity/sessions/session";
import { startTestSystem, type TestSystem, type TestSystemOptions } from "./system";

export interface IdentityUnderTest {
  system: TestSystem;
  issuer: string;
  db: IdentityDatabaseFile;
  /** Registers a client as `identity clients add` would; returns its secret. */
  addClient(input: NewClient): string;
  addAccount(fields?: Partial<typeof accounts.$inferInsert>): typeof accounts.$inferSelect;
  /** A signed-in browser's Cookie header for the account. */
  signIn(accountId: string, authTime?: number): string;
  stop(): Promise<void>;
}

let counter = 0;

export async function startIdentity(options: TestSystemOptions = {}): Promise<IdentityUnderTest> {
  const system = await startTestSystem({ only: ["identity"], ...options });
  const db = openIdentityDatabase(system.dataDir);
  return {
    system,
    issuer: system.urls.identity,
    db,
    addClient(input) {
      return createClient(db, newClientSchema.parse(input)).secret;
    },
    addAccount(fields = {}) {
      const now = Date.now();
      counter += 1;
      const row = {
        id: crypto.randomUUID(),
        email: `teacher${counter}.${now}@example.com`,
        emailVerified: true,
        phoneNumber: "+447700900123",
        phoneNumberVerified: true,
        givenName: "Jane",
        familyName: "Doe",
        preferredName: "Jane",
        birthdate: "1990-01-31",
        trn: String(1_000_000 + ((now + counter) % 8_999_999)).slice(0, 7),
        createdAt: now,
        updatedAt: now,
        ...fields,
      };
      return db.insert(accounts).values(row).returning().get();
    },
    signIn(accountId, authTime) {
      const { setCookie } = createSession(db, accountId, { secure: false, now: authTime });
      return setCookie.split(";")[0];
    },
    async stop() {
      db.$client.close();
      await system.stop();
    },
  };
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

export async function clientCredentialsToken(issuer: string, clientId: string, secret: string, scope?: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  if (scope) body.set("scope", scope);
  const response = await fetch(`${issuer}/token`, { method: "POST", headers: { authorization: basicAuth(clientId, secret) }, body });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
