// The rules behind issue 11's items 4, 5 and 9 and its names item, one at a time against a real
// database: leaky-bucket limits, codes that belong to their journey, the short life of requests
// nobody continued, and the name rules. (test/integration/security-review.limits.test.ts attacks
// the built binary with the same rules.)
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newClientSchema } from "../../src/identity/clients/clients";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { authorizationRequests, journeys, rateLimits, securityCodes } from "../../src/identity/db/schema";
import { purgeExpiredProtocolRows } from "../../src/identity/oidc/cleanup";
import { hitRateLimits } from "../../src/identity/rate-limit/rate-limit";
import { parsePreferredName } from "../../src/identity/register/register-answers";
import { sendSignInCode, verifyCode } from "../../src/identity/security-codes/code-service";
import { securityCodeSettings } from "../../src/identity/security-codes/settings";
import { checkSecurityCode, issueSecurityCode } from "../../src/identity/security-codes/security-codes";
import { MemoryRateLimiter, addHit } from "../../src/rate-limit/leaky-bucket";
import { checkHeader, checkRow } from "../../src/records/import/teacher-csv";
import { hasBidiControl } from "../../src/text/names";
import { useSecurityCodeKey } from "../../src/identity/security-codes/security-codes";
import { randomBytes } from "node:crypto";

const dirs: string[] = [];
const dbs: IdentityDatabaseFile[] = [];
function freshDatabase(): IdentityDatabaseFile {
  const dir = mkdtempSync(join(tmpdir(), "security-review-limits-"));
  dirs.push(dir);
  const db = openIdentityDatabase(dir);
  useSecurityCodeKey(db, randomBytes(32));
  dbs.push(db);
  return db;
}
afterAll(() => {
  for (const db of dbs) db.$client.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const t0 = 1_800_000_000_000;
const minute = 60_000;
const hour = 60 * minute;

describe("item 4: limits slow down and cannot be turned against someone else", () => {
  test("a bucket lets its burst through, then one more each window / limit, and refused hits are not added", () => {
    const rule = { limit: 3, windowMs: hour };
    let bucket = undefined as Parameters<typeof addHit>[0];
    for (let i = 0; i < 3; i++) {
      const hit = addHit(bucket, rule, t0);
      expect(hit.allowed).toBe(true);
      bucket = hit.bucket;
    }
    // Full: the next try is 20 minutes away, not at the end of some hour.
    expect(addHit(bucket, rule, t0 + 1)).toMatchObject({ allowed: false, retryAt: t0 + 20 * minute });
    // Hammering while full changes nothing (the refused hit was not added).
    for (let i = 0; i < 100; i++) expect(addHit(bucket, rule, t0 + i).allowed).toBe(false);
    expect(addHit(bucket, rule, t0 + 20 * minute).allowed).toBe(true);
    // After a whole window of quiet the burst is back.
    expect(addHit(bucket, rule, t0 + hour).bucket.count).toBe(1);
  });

  test("hits go through every key or none: a request one limit refuses uses up nothing in the others", () => {
    const db = freshDatabase();
    const small = { limit: 1, windowMs: hour };
    const large = { limit: 100, windowMs: hour };
    expect(hitRateLimits(db, [{ key: "attacker-ip", rule: small }, { key: "victim-address", rule: large }], t0).allowed).toBe(true);
    for (let i = 0; i < 50; i++) {
      expect(hitRateLimits(db, [{ key: "attacker-ip", rule: small }, { key: "victim-address", rule: large }], t0 + i).allowed).toBe(false);
    }
    const counts = Object.fromEntries(db.select().from(rateLimits).all().map((row) => [row.key, row.count]));
    expect(counts).toEqual({ "attacker-ip": 1, "victim-address": 1 });
  });

  test("a bucket in memory (access) keeps the same rule", () => {
    const limiter = new MemoryRateLimiter({ limit: 2, windowMs: hour }, 1);
    expect(limiter.hit("a", t0).allowed).toBe(true);
    expect(limiter.hit("a", t0).allowed).toBe(true);
    expect(limiter.hit("a", t0)).toEqual({ allowed: false, retryAt: t0 + 30 * minute });
    expect(limiter.hit("b", t0).allowed).toBe(true);
    expect(limiter.hit("a", t0 + 30 * minute).allowed).toBe(true);
  });

  test("a code is checked only by the journey that asked for it: codes sent to the same address elsewhere neither retire it nor use up its tries", () => {
    const db = freshDatabase();
    const destination = "victim@example.com";
    const victims = issueSecurityCode(db, { purpose: "email_sign_in", destination }, t0);
    const attackers = issueSecurityCode(db, { purpose: "email_sign_in", destination }, t0 + 1);
    const wrong = victims.code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 4; i++) expect(checkSecurityCode(db, { id: attackers.id, purpose: "email_sign_in", destination, code: wrong }, t0)).toBe("wrong");
    expect(checkSecurityCode(db, { id: attackers.id, purpose: "email_sign_in", destination, code: wrong }, t0)).toBe("too_many_attempts");
    // The victim's code is untouched by the attacker's code and guesses.
    expect(checkSecurityCode(db, { id: attackers.id, purpose: "email_sign_in", destination, code: victims.code }, t0)).toBe("too_many_attempts");
    expect(checkSecurityCode(db, { id: victims.id, purpose: "email_sign_in", destination, code: victims.code }, t0)).toBe("ok");
    // A code is only good for the address it was sent to.
    const other = issueSecurityCode(db, { purpose: "email_sign_in", destination: "other@example.com" }, t0);
    expect(checkSecurityCode(db, { id: other.id, purpose: "email_sign_in", destination, code: other.code }, t0)).toBe("none");
  });

  test("checks from an attacker's IP leave the victim's own (address, IP) bucket alone", () => {
    const db = freshDatabase();
    const config = securityCodeSettings.parse({ CODE_CHECK_LIMIT_PER_ADDRESS_AND_IP: "3" });
    const destination = "victim@example.com";
    const victims = issueSecurityCode(db, { purpose: "email_sign_in", destination }, t0);
    const attackers = issueSecurityCode(db, { purpose: "email_sign_in", destination }, t0);
    const check = (ip: string, codeId: string, typed: string) =>
      verifyCode(db, config, { codeId, purpose: "email_sign_in", destination, code: typed, ip }, t0);
    const wrong = attackers.code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) expect(check("198.51.100.1", attackers.id, wrong)).toBe("wrong");
    // The attacker's address is slowed down (one more check each 20 minutes), not the victim's.
    expect(check("198.51.100.1", attackers.id, wrong)).toEqual({ retryAt: t0 + 20 * minute });
    expect(check("203.0.113.7", victims.id, victims.code)).toBe("ok");
  });
});

describe("item 5: the same work whether or not the address has an account", () => {
  test("sendSignInCode writes one code and one email for an address with no account, as for one with an account", () => {
    const db = freshDatabase();
    const config = securityCodeSettings.parse({});
    const sent = sendSignInCode(db, config, { email: "nobody@example.com", ip: "203.0.113.1" }, t0);
    expect(sent).toMatchObject({ sent: true });
    const rows = db.select().from(securityCodes).all();
    expect(rows.map((row) => [row.destination, row.purpose])).toEqual([["nobody@example.com", "email_sign_in"]]);
    expect(sent.sent && sent.codeId).toBe(rows[0].id);
  });
});

describe("item 9: requests nobody continued do not stay", () => {
  test("an authorization request nobody finished goes as soon as it expires; a finished one keeps the day's grace", () => {
    const db = freshDatabase();
    const request = (id: string, expiresAt: number, completedAt: number | null) =>
      db
        .insert(authorizationRequests)
        .values({ id, clientId: "c", redirectUri: "x", scope: "openid", codeChallenge: "y", createdAt: expiresAt - hour, expiresAt, completedAt })
        .run();
    const now = t0;
    request("abandoned", now - minute, null);
    request("finished", now - minute, now - 2 * minute);
    request("in-progress", now + minute, null);
    request("abandoned-with-journey", now - minute, null);
    db.insert(journeys).values({ idHash: "j", authorizationRequestId: "abandoned-with-journey", state: "{}", createdAt: now, updatedAt: now, expiresAt: now + hour }).run();
    const ttl = { refreshTokenTtlMs: 12 * hour, accessTokenTtlMs: 15 * minute };
    expect(purgeExpiredProtocolRows(db, { ...ttl, now }).requests).toBe(1);
    expect(db.select().from(authorizationRequests).all().map((r) => r.id).sort()).toEqual(["abandoned-with-journey", "finished", "in-progress"]);
  });
});

describe("info: names", () => {
  const choose = (name: string) => parsePreferredName([], "other", name);

  test.each(["Mira Khan", "Zoë O'Brien", "Anne-Marie O’Neill", "Nguyễn Thị Minh Khai", "محمد", "Ngozi  Okonjo-Iweala "])(
    "the preferred name %p is a name (letters, spaces, hyphens, apostrophes)",
    (name) => {
      expect(choose(name)).toMatchObject({ ok: true });
    },
  );

  test.each(["R2-D2", "Jo!", "Ann (Annie)", "a.b", "--", "''", "Jo\u202Eeoj", "Jo\u2066Jo", "Jo\u200BJo", "Jo\tJo\u0000", "<b>Jo</b>"])(
    "the preferred name %p is refused with the message that says what is accepted",
    (name) => {
      expect(choose(name)).toEqual({ ok: false, field: "other-name", message: "Name must only include letters, spaces, hyphens and apostrophes" });
    },
  );

  test("a bidi control is U+202A to U+202E or U+2066 to U+2069", () => {
    for (const c of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) expect(hasBidiControl(`a${String.fromCodePoint(c)}b`)).toBe(true);
    for (const c of [0x2029, 0x202f, 0x2065, 0x206a]) expect(hasBidiControl(`a${String.fromCodePoint(c)}b`)).toBe(false);
  });

  test("records import refuses a bidi control in any name column", () => {
    const header = checkHeader({ line: 1, fields: ["trn", "first_name", "middle_name", "last_name", "date_of_birth", "itt_provider_ukprn", "itt_provider_name", "itt_result"] });
    if (!header.ok) throw new Error("header");
    const row = (first: string, middle: string, last: string, provider: string) =>
      checkRow(header.header, { line: 2, fields: ["1234567", first, middle, last, "1990-01-01", "10000001", provider, "InTraining"] });
    expect(row("Sam", "", "Taylor", "Earl Spencer Primary").ok).toBe(true);
    const messages = (result: ReturnType<typeof row>) => (result.ok ? [] : result.problems.map((p) => p.message));
    expect(messages(row("Sa\u202Em", "", "Taylor", "P"))).toEqual([expect.stringContaining("first_name must not contain bidirectional control characters")]);
    expect(messages(row("Sam", "J\u2066", "Taylor", "P"))).toEqual([expect.stringContaining("middle_name must not contain")]);
    expect(messages(row("Sam", "", "Tay\u202Blor", "P"))).toEqual([expect.stringContaining("last_name must not contain")]);
    expect(messages(row("Sam", "", "Taylor", "Evil\u2069 School"))).toEqual([expect.stringContaining("itt_provider_name must not contain")]);
  });

  test("a client's name (shown to teachers as the service they continue to) may not hold one either", () => {
    const client = (name: string) =>
      newClientSchema.safeParse({ clientId: "rp-app", name, grantTypes: ["client_credentials"], scopes: ["teachers:read"] });
    expect(client("Register trainee teachers").success).toBe(true);
    expect(client("Register \u202Esrehcaet").success).toBe(false);
  });
});
