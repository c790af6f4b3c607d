// The cleanup removes only what can no longer matter.
import { afterAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { journeys, rateLimits, securityCodes } from "../../src/identity/db/schema";
import { removeStaleJourneyData } from "../../src/identity/journey/journey-cleanup";
import { hitRateLimit } from "../../src/identity/rate-limit/rate-limit";
import { checkSecurityCode, issueSecurityCode, useSecurityCodeKey } from "../../src/identity/security-codes/security-codes";

const dir = mkdtempSync(join(tmpdir(), "journey-cleanup-"));
const db = openIdentityDatabase(dir);
useSecurityCodeKey(db, randomBytes(32));
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

test("expired journeys, day-old dead codes and long-empty rate-limit buckets go; live ones stay", () => {
  const now = Date.now();
  const hour = 3_600_000;
  db.insert(journeys).values({ idHash: "old", state: "{}", createdAt: now - 2 * hour, updatedAt: now - 2 * hour, expiresAt: now - hour }).run();
  db.insert(journeys).values({ idHash: "live", state: "{}", createdAt: now, updatedAt: now, expiresAt: now + hour }).run();
  issueSecurityCode(db, { purpose: "email_sign_in", destination: "old@example.com" }, now - 2 * 86_400_000);
  const live = issueSecurityCode(db, { purpose: "email_sign_in", destination: "live@example.com" }, now);
  hitRateLimit(db, "untouched", { limit: 5, windowMs: hour }, now - 3 * hour);
  hitRateLimit(db, "recent", { limit: 5, windowMs: hour }, now);

  expect(removeStaleJourneyData(db, hour, now)).toEqual({ journeys: 1, codes: 1, rateLimits: 1 });
  expect(db.select().from(journeys).all().map((j) => j.idHash)).toEqual(["live"]);
  expect(db.select().from(securityCodes).all()).toHaveLength(1);
  expect(db.select().from(rateLimits).all().map((row) => row.key)).toEqual(["recent"]);
  expect(checkSecurityCode(db, { id: live.id, purpose: "email_sign_in", destination: "live@example.com", code: live.code }, now)).toBe("ok");
});

test("a rate limit lets a burst through, then one more each interval (it slows down, never locks out)", () => {
  const rule = { limit: 2, windowMs: 60_000 };
  const t = 1_000_000_000_000;
  expect(hitRateLimit(db, "x", rule, t).allowed).toBe(true);
  expect(hitRateLimit(db, "x", rule, t + 1).allowed).toBe(true);
  // Full: the next hit fits once one has leaked out, 30 s (60 s / 2) after the first.
  expect(hitRateLimit(db, "x", rule, t + 2)).toEqual({ allowed: false, retryAt: t + 30_000 });
  expect(hitRateLimit(db, "x", rule, t + 29_999).allowed).toBe(false);
  expect(hitRateLimit(db, "x", rule, t + 30_000).allowed).toBe(true);
  expect(hitRateLimit(db, "x", rule, t + 30_001).allowed).toBe(false);
  expect(hitRateLimit(db, "x", rule, t + 60_000).allowed).toBe(true);
});
