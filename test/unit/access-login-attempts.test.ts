// Sign-ins in progress and sessions in access's database: single use, bound to one browser, and
// cleaned up once they can no longer be used.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAccessDatabase } from "../../src/access/db/database";
import { createSession, purgeExpiredSessions, readSession } from "../../src/access/sessions/session";
import { consumeLoginAttempt, purgeExpiredLoginAttempts, startLoginAttempt } from "../../src/access/sign-in/login-attempts";
import { sha256 } from "../../src/security/tokens";
import { hostCookiesOnly } from "../../src/web/cookies";

const dir = mkdtempSync(join(tmpdir(), "access-unit-"));
const db = openAccessDatabase(dir);
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (browserId: string, now = Date.now()) =>
  startLoginAttempt(db, { browserId, returnTo: "/qualifications", viaTrnToken: true, timeoutMs: 60_000, now });

describe("login attempts", () => {
  test("are consumed once, by the browser that started them, giving back the verifier and nonce", () => {
    const attempt = start("browser-a");
    const used = consumeLoginAttempt(db, { state: attempt.state, browserId: "browser-a" });
    expect(used).toEqual({
      ok: true,
      codeVerifier: attempt.codeVerifier,
      nonceHash: sha256(attempt.nonce),
      returnTo: "/qualifications",
      viaTrnToken: true,
      createAccount: false,
    });
    expect(consumeLoginAttempt(db, { state: attempt.state, browserId: "browser-a" })).toEqual({ ok: false, reason: "already_used" });
  });

  test("another browser, an unknown state or a timed-out attempt gets nothing", () => {
    const attempt = start("browser-b");
    expect(consumeLoginAttempt(db, { state: attempt.state, browserId: "browser-c" })).toEqual({ ok: false, reason: "other_browser" });
    expect(consumeLoginAttempt(db, { state: attempt.state, browserId: undefined })).toEqual({ ok: false, reason: "other_browser" });
    expect(consumeLoginAttempt(db, { state: "made-up", browserId: "browser-b" })).toEqual({ ok: false, reason: "unknown_state" });
    const old = start("browser-d", Date.now() - 120_000);
    expect(consumeLoginAttempt(db, { state: old.state, browserId: "browser-d" })).toEqual({ ok: false, reason: "expired" });
  });

  test("the database keeps no state, nonce or PKCE verifier in the clear", () => {
    const attempt = start("browser-e");
    const dump = JSON.stringify(db.$client.query("SELECT * FROM login_attempts").all());
    for (const secret of [attempt.state, attempt.nonce, attempt.codeVerifier, "browser-e"]) expect(dump).not.toContain(secret);
  });

  test("purging removes only attempts past their time", () => {
    const live = start("browser-f");
    start("browser-g", Date.now() - 120_000);
    expect(purgeExpiredLoginAttempts(db)).toBeGreaterThanOrEqual(1);
    expect(consumeLoginAttempt(db, { state: live.state, browserId: "browser-f" }).ok).toBe(true);
  });
});

describe("sessions", () => {
  const newSession = { sub: "s", accessToken: "at", idToken: "it", accessTokenExpiresAt: Date.now() + 60_000 };

  test("are read back only with their cookie, until they end, and purged after", () => {
    const { setCookie } = createSession(db, newSession, { secure: true, lifetimeMs: 60_000 });
    expect(setCookie).toMatch(/^__Host-access_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=60$/);
    // As the web layer hands an https request's cookies to code: __Host- cookies, named without the prefix.
    const cookie = hostCookiesOnly(setCookie.split(";")[0]);
    expect(readSession(db, cookie)?.accessToken).toBe("at");
    expect(readSession(db, "access_session=" + "x".repeat(43))).toBeNull();
    expect(readSession(db, cookie, Date.now() + 61_000)).toBeNull();
    expect(purgeExpiredSessions(db, Date.now() + 61_000)).toBeGreaterThanOrEqual(1);
    expect(readSession(db, cookie)).toBeNull();
  });
});
