// Shared by the records integration tests: API clients registered at identity, tokens from its
// real POST /token, and a way to read the invitation emails' links.
import { createClient } from "../../src/identity/clients/clients";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { developmentPassphrase, unlockKeyVault } from "../../src/identity/keys/key-vault";
import { openSigningKeyStore } from "../../src/identity/keys/signing-keys";
import { signAccessToken } from "../../src/identity/oidc/jwt-tokens";
import { randomToken } from "../../src/security/tokens";
import { openRecordsDatabase } from "../../src/records/db/database";
import { importTeacherCsv } from "../../src/records/import/import-teachers";

/** Registers a client_credentials client at identity (through its database, as `identity clients add` does). */
export function registerApiClient(dataDir: string, scopes: string[]): { clientId: string; clientSecret: string } {
  const db = openIdentityDatabase(dataDir);
  try {
    const clientId = `test-${randomToken(6)}`;
    const { secret } = createClient(db, {
      clientId,
      name: "Test awarding service",
      grantTypes: ["client_credentials"],
      scopes,
      redirectUris: [],
      postLogoutRedirectUris: [],
    });
    return { clientId, clientSecret: secret };
  } finally {
    db.$client.close();
  }
}

/** A client-credentials access token from identity's real POST /token. */
export async function clientToken(identityUrl: string, client: { clientId: string; clientSecret: string }, scope: string): Promise<string> {
  const response = await fetch(`${identityUrl}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A user access token signed with identity's real key, as identity issues after a sign-in. */
export async function userToken(
  dataDir: string,
  urls: { identity: string; records: string },
  subject: { sub: string; scopes: string[]; trn?: string },
): Promise<string> {
  const db = openIdentityDatabase(dataDir);
  try {
    const keys = await openSigningKeyStore(db, await unlockKeyVault(db, developmentPassphrase));
    const { accessToken } = await signAccessToken(
      { issuer: urls.identity, recordsUrl: urls.records, accessTokenTtlMs: 300_000, keys },
      { sub: subject.sub, clientId: "access-service", scopes: subject.scopes, trn: subject.trn },
    );
    return accessToken;
  } finally {
    db.$client.close();
  }
}

export function trnTokenFromLink(text: string): string {
  const match = /\/register\?trn_token=([A-Za-z0-9_%-]+)/.exec(text);
  if (!match) throw new Error(`no magic link in: ${text}`);
  return decodeURIComponent(match[1]);
}

export async function putOutcome(
  recordsUrl: string,
  token: string | undefined,
  trn: string,
  birthdate: string | undefined,
  body: unknown,
  init: { rawBody?: string; contentType?: string; method?: "PUT" | "POST" } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const query = birthdate === undefined ? "" : `?birthdate=${encodeURIComponent(birthdate)}`;
  const response = await fetch(`${recordsUrl}/v2/teachers/${trn}/itt-outcome${query}`, {
    method: init.method ?? "PUT",
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      "content-type": init.contentType ?? "application/json",
    },
    body: init.rawBody ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

const teacherCsvHeader =
  "trn,first_name,middle_name,last_name,date_of_birth,email,qts_date,itt_provider_ukprn,itt_provider_name,itt_programme_type,itt_subjects,itt_age_range_from,itt_age_range_to,itt_start_date,itt_end_date,itt_result";

/** Loads one teacher in training into records' database, as `records import` does. */
export function addTeacherRecord(dataDir: string, trn: string, fields: { lastName?: string; email?: string } = {}): void {
  const csv = `${teacherCsvHeader}\n${trn},Sam,,${fields.lastName ?? `Taylor-${trn}`},1999-01-02,${fields.email ?? ""},,10000001,Riverside Teacher Training Partnership,Provider-led,Mathematics,11,16,2025-09-01,2026-07-31,InTraining\n`;
  const db = openRecordsDatabase(dataDir);
  try {
    const result = importTeacherCsv(db, [csv]);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
  } finally {
    db.$client.close();
  }
}
