// Drives identity's sign-in and registration journeys over real HTTP the way a browser without
// JavaScript does: a cookie jar, forms posted with their CSRF token, redirects followed by hand.
import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { openRecordsDatabase } from "../../src/records/db/database";
import { teachers } from "../../src/records/db/schema";
import type { TestSystem } from "./system";
import type { TestSmtpServer } from "./smtp";
import { CookieJar } from "./cookie-jar";

export class Browser {
  private readonly jar = new CookieJar();
  readonly cookies = this.jar.cookies;
  /** The last page's HTML. */
  html = "";
  status = 0;
  /** Where the last request ended (after following same-origin redirects). */
  url = "";

  constructor(readonly origin: string, readonly headers: Record<string, string> = {}) {}

  cookieHeader(): string {
    return this.jar.header();
  }

  private store(response: Response) {
    this.jar.store(response);
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : this.origin + path;
    const response = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...this.headers, ...(init.headers as Record<string, string>), cookie: this.cookieHeader() },
    });
    this.store(response);
    return response;
  }

  /** GET, following redirects while they stay on this origin; returns the final response. */
  async get(path: string): Promise<Response> {
    return this.settle(await this.request(path), path);
  }

  /** Posts a form with the CSRF token from the cookie jar, then follows same-origin redirects. */
  async post(path: string, fields: Record<string, string> = {}): Promise<Response> {
    const csrf = decodeURIComponent(this.cookies.get("identity_csrf") ?? "");
    const response = await this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    });
    return this.settle(response, path);
  }

  /** The redirect that left this origin (e.g. back to the client with a code), if any. */
  leftTo: string | undefined;

  private async settle(response: Response, path: string): Promise<Response> {
    this.leftTo = undefined;
    let current = response;
    let url = path.startsWith("http") ? path : this.origin + path;
    for (let hops = 0; hops < 10 && current.status >= 300 && current.status < 400; hops++) {
      const location = new URL(current.headers.get("location")!, url).toString();
      if (!location.startsWith(this.origin)) {
        this.leftTo = location;
        break;
      }
      url = location;
      current = await this.request(location);
    }
    this.url = url;
    this.status = current.status;
    this.html = current.status >= 300 && current.status < 400 ? "" : await current.text();
    return current;
  }
}

export const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

export interface Authorization {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
}

/** An authorization request as access makes it (PKCE S256, state, nonce, optionally a trn_token). */
export function authorizationUrl(
  system: TestSystem,
  options: { scope?: string; trnToken?: string; extra?: Record<string, string> } = {},
): { url: string; auth: Authorization } {
  const { verifier, challenge } = pkce();
  const state = randomBytes(12).toString("base64url");
  const nonce = randomBytes(12).toString("base64url");
  const redirectUri = `${system.urls.access}/sign-in/callback`;
  const params = new URLSearchParams({
    response_type: "code",
    client_id: internalClientCredentials(system.config, "access").clientId,
    redirect_uri: redirectUri,
    scope: options.scope ?? "openid email phone profile trn dqt:read",
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...(options.trnToken ? { trn_token: options.trnToken } : {}),
    ...options.extra,
  });
  return { url: `${system.urls.identity}/authorize?${params}`, auth: { state, nonce, verifier, redirectUri } };
}

/** Starts an authorization request as access does; the browser lands on the journey's first page. */
export async function authorize(
  system: TestSystem,
  browser: Browser,
  options: { scope?: string; trnToken?: string; extra?: Record<string, string> } = {},
): Promise<Authorization> {
  const { url, auth } = authorizationUrl(system, options);
  await browser.get(url);
  return auth;
}

/** Redeems the code the journey sent back and returns the verified ID token claims and userinfo. */
export async function redeem(system: TestSystem, browser: Browser, auth: Authorization) {
  if (!browser.leftTo) throw new Error(`the journey did not return to the client (at ${browser.url}, status ${browser.status})`);
  const back = new URL(browser.leftTo);
  if (back.searchParams.get("state") !== auth.state) throw new Error("state mismatch");
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`no code: ${back}`);
  const { clientId, clientSecret } = internalClientCredentials(system.config, "access");
  const response = await fetch(`${system.urls.identity}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: auth.redirectUri, code_verifier: auth.verifier }),
  });
  const tokens = (await response.json()) as { id_token: string; access_token: string };
  if (!response.ok) throw new Error(`token endpoint: ${response.status} ${JSON.stringify(tokens)}`);
  const jwks = createRemoteJWKSet(new URL(`${system.urls.identity}/.well-known/jwks.json`));
  const { payload: idToken } = await jwtVerify(tokens.id_token, jwks, { issuer: system.urls.identity, audience: clientId });
  if (idToken.nonce !== auth.nonce) throw new Error("nonce mismatch");
  const userinfo = (await (
    await fetch(`${system.urls.identity}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  ).json()) as Record<string, unknown>;
  return { idToken: idToken as JWTPayload & Record<string, unknown>, userinfo };
}

/** A TRN token made the way records makes them: POST /trn-tokens with records' client credentials. */
export async function createTrnToken(system: TestSystem, input: { trn: string; email: string }): Promise<string> {
  const { clientId, clientSecret } = internalClientCredentials(system.config, "records");
  const tokenResponse = await fetch(`${system.urls.identity}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: "trn_token:write", client_id: clientId, client_secret: clientSecret }),
  });
  const { access_token } = (await tokenResponse.json()) as { access_token: string };
  const response = await fetch(`${system.urls.identity}/trn-tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` },
    body: JSON.stringify(input),
  });
  if (response.status !== 201) throw new Error(`POST /trn-tokens: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { trnToken: string }).trnToken;
}

/** The code in the newest email to `to` that has one. */
export async function emailedCode(smtp: TestSmtpServer, to: string, after = 0): Promise<string> {
  const message = await smtp.waitForMessage(to, { match: (m) => m.receivedAt >= after && /\b\d{6}\b/.test(m.text) });
  return /\b(\d{6})\b/.exec(message.text)![1];
}

/** The code in the newest text message to `phone` (E.164), read from the dev mailbox. */
export function textedCode(system: TestSystem, phone: string, previous?: string): Promise<string> {
  return devMailboxCode(system.dataDir, "sms", phone, previous);
}

/** The 6-digit code in the newest dev-mailbox message on `channel` to `to`, once it differs from `previous`. */
export async function devMailboxCode(dataDir: string, channel: "email" | "sms", to: string, previous?: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const [latest] = readDevMailbox(dataDir, { to }).filter((m) => m.channel === channel);
    const code = latest && /\b(\d{6})\b/.exec(latest.text)?.[1];
    if (code && code !== previous) return code;
    await Bun.sleep(20);
  }
  throw new Error(`no ${channel} with a code to ${to}`);
}

/** Puts a teacher into records' database, as an import would. A null date of birth: DQT has none. */
export function addRecordsTeacher(
  dataDir: string,
  teacher: { trn: string; email: string; firstName?: string; middleName?: string | null; lastName?: string; dateOfBirth?: string | null },
): void {
  const records = openRecordsDatabase(dataDir);
  try {
    const now = Date.now();
    records
      .insert(teachers)
      .values({
        trn: teacher.trn,
        firstName: teacher.firstName ?? "Sam",
        middleName: teacher.middleName ?? null,
        lastName: teacher.lastName ?? "Taylor",
        dateOfBirth: teacher.dateOfBirth === undefined ? "1991-04-05" : teacher.dateOfBirth,
        email: teacher.email,
        createdAt: now,
        updatedAt: now,
      })
      .run();
  } finally {
    records.$client.close();
  }
}

/** Text of the page without tags, for readable assertions. */
export function pageText(html: string): string {
  return html.replace(/<[^>]+>/g, " ").replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/\s+/g, " ");
}
