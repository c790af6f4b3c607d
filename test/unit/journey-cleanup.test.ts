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

test("expired journeys, day-old dead codes and closed rate-limit windows go; live ones stay", () => {
  const now = Date.now();
  const hour = 3_600_000;
  db.insert(journeys).values({ idHash: "old", state: "{}", createdAt: now - 2 * hour, updatedAt: now - 2 * hour, expiresAt: now - hour }).run();
  db.insert(journeys).values({ idHash: "live", state: "{}", createdAt: now, updatedAt: now, expiresAt: now + hour }).run();
  issueSecurityCode(db, { purpose: "email_sign_in", destination: "old@example.com" }, now - 2 * 86_400_000);
  const live = issueSecurityCode(db, { purpose: "email_sign_in", destination: "live@example.com" }, now);
  hitRateLimit(db, "k", { limit: 5, windowMs: hour }, now - 3 * hour);
  hitRateLimit(db, "k", { limit: 5, windowMs: hour }, now);

  expect(removeStaleJourneyData(db, hour, now)).toEqual({ journeys: 1, codes: 1, rateLimits: 1 });
  expect(db.select().from(journeys).all().map((j) => j.idHash)).toEqual(["live"]);
  expect(db.select().from(securityCodes).all()).toHaveLength(1);
  expect(db.select().from(rateLimits).all()).toHaveLength(1);
  expect(checkSecurityCode(db, { purpose: "email_sign_in", destination: "live@example.com", code: live }, now)).toBe("ok");
});

test("a rate limit counts hits in its window and refuses past the limit", () => {
  const rule = { limit: 2, windowMs: 60_000 };
  const t = 1_000_000_000_000;
  expect(hitRateLimit(db, "x", rule, t).allowed).toBe(true);
  expect(hitRateLimit(db, "x", rule, t + 1).allowed).toBe(true);
  expect(hitRateLimit(db, "x", rule, t + 2).allowed).toBe(false);
  expect(hitRateLimit(db, "x", rule, t + 60_000).allowed).toBe(true);
});
