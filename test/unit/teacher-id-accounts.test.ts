// records' view of which Teacher ID account holds which TRN, as identity's events change it.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";
import { applyIdentityEvent, createTeacherIdAccountReader, preferredNameForTrn, pruneWebhookDeliveries, webhookIdRetentionMs } from "../../src/records/identity-events/teacher-id-accounts";
import { awardInvitationEmail } from "../../src/records/invitations/qts-invitation-email";

let dir: string;
let db: RecordsDatabase;
let nextId = 1;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "teacher-id-accounts-"));
  db = openRecordsDatabase(dir);
});
afterEach(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const event = (type: string, timestamp: string, data: Record<string, unknown>) => ({ id: String(nextId++), type, timestamp, data });

test("registered: held since the event's time; an update keeps that time; another TRN starts again; deletion ends it", () => {
  const account = createTeacherIdAccountReader(db);
  expect(account("4700001")).toEqual({ exists: false, since: null });
  applyIdentityEvent(db, event("UserRegistered", "2026-01-01T10:00:00.000Z", { sub: "a", trn: "4700001" }));
  applyIdentityEvent(db, event("UserUpdated", "2026-02-01T10:00:00.000Z", { sub: "a", trn: "4700001" }));
  expect(account("4700001")).toEqual({ exists: true, since: "2026-01-01T10:00:00.000Z" });

  applyIdentityEvent(db, event("TrnBound", "2026-03-01T10:00:00.000Z", { sub: "a", trn: "4700002" }));
  expect(account("4700001")).toEqual({ exists: false, since: null });
  expect(account("4700002")).toEqual({ exists: true, since: "2026-03-01T10:00:00.000Z" });

  applyIdentityEvent(db, event("UserDeleted", "2026-04-01T10:00:00.000Z", { sub: "a" }));
  expect(account("4700002")).toEqual({ exists: false, since: null });
});

test("a TRN bound to another account (a merge) moves to it; events records does not consume change nothing", () => {
  const account = createTeacherIdAccountReader(db);
  applyIdentityEvent(db, event("UserRegistered", "2026-01-01T10:00:00.000Z", { sub: "a", trn: "4700003" }));
  applyIdentityEvent(db, event("UserSignedIn", "2026-01-05T10:00:00.000Z", { sub: "b", trn: "4700003" }));
  expect(account("4700003")).toEqual({ exists: true, since: "2026-01-01T10:00:00.000Z" });
  // A UserMerged without the account that remains changes nothing.
  applyIdentityEvent(db, event("UserMerged", "2026-02-01T10:00:00.000Z", { sub: "a", trn: "4700003" }));
  expect(db.$client.query("select sub from teacher_id_accounts").all()).toEqual([{ sub: "a" }]);
  // a merged into b: b holds the TRN, since a had it (the teacher has had an account with it since then).
  applyIdentityEvent(db, event("UserMerged", "2026-02-01T10:00:00.000Z", { sub: "a", mergedIntoSub: "b", trn: "4700003" }));
  expect(account("4700003")).toEqual({ exists: true, since: "2026-01-01T10:00:00.000Z" });
  expect(db.$client.query("select sub from teacher_id_accounts").all()).toEqual([{ sub: "b" }]);
});

test("a merge with no TRN in the message moves the merged-away account's TRN to the survivor; a merge of two without one leaves nothing", () => {
  const account = createTeacherIdAccountReader(db);
  applyIdentityEvent(db, event("UserRegistered", "2026-01-01T10:00:00.000Z", { sub: "m", trn: "4700005" }));
  applyIdentityEvent(db, event("UserMerged", "2026-03-01T10:00:00.000Z", { sub: "m", mergedIntoSub: "s", trn: null }));
  expect(db.$client.query("select sub, trn from teacher_id_accounts").all()).toEqual([{ sub: "s", trn: "4700005" }]);
  expect(account("4700005")).toEqual({ exists: true, since: "2026-01-01T10:00:00.000Z" });
  applyIdentityEvent(db, event("UserMerged", "2026-03-02T10:00:00.000Z", { sub: "x", mergedIntoSub: "y" }));
  expect(db.$client.query("select sub, trn from teacher_id_accounts").all()).toEqual([{ sub: "s", trn: "4700005" }]);
});

test("a webhook-id seen before is not applied again", () => {
  const account = createTeacherIdAccountReader(db);
  expect(applyIdentityEvent(db, { id: "77", type: "UserRegistered", timestamp: "2026-01-01T10:00:00.000Z", data: { sub: "c", trn: "4700004" } })).toBe(true);
  expect(applyIdentityEvent(db, { id: "77", type: "UserDeleted", timestamp: "2026-01-02T10:00:00.000Z", data: { sub: "c" } })).toBe(false);
  expect(account("4700004").exists).toBe(true);
});

test("webhook-ids are forgotten an hour after they arrived (a replay is refused by its timestamp after 5 minutes), not before", () => {
  const now = Date.parse("2026-06-01T12:00:00.000Z");
  applyIdentityEvent(db, { id: "old", type: "UserRegistered", timestamp: "2026-06-01T10:00:00.000Z", data: { sub: "p", trn: "4700006" } }, now - webhookIdRetentionMs - 1);
  applyIdentityEvent(db, { id: "recent", type: "UserUpdated", timestamp: "2026-06-01T11:59:00.000Z", data: { sub: "p", trn: "4700006" } }, now - 11 * 60_000);
  expect(webhookIdRetentionMs).toBeGreaterThanOrEqual(10 * 60_000);
  expect(pruneWebhookDeliveries(db, now)).toBe(1);
  expect(db.$client.query("select webhook_id from identity_webhook_deliveries").all()).toEqual([{ webhook_id: "recent" }]);
  // Still remembered: a replay of "recent" is not applied.
  expect(applyIdentityEvent(db, { id: "recent", type: "UserDeleted", timestamp: "2026-06-01T11:59:00.000Z", data: { sub: "p" } }, now)).toBe(false);
  expect(createTeacherIdAccountReader(db)("4700006").exists).toBe(true);
  expect(pruneWebhookDeliveries(db, now)).toBe(0);
});

test("records keeps the account's preferred name from identity's events, and an award email to an account holder greets by it", () => {
  applyIdentityEvent(db, event("UserRegistered", "2026-01-01T10:00:00.000Z", { sub: "k", trn: "4700009", preferredName: "Kanye Ashworth" }));
  expect(preferredNameForTrn(db, "4700009")).toBe("Kanye Ashworth");
  applyIdentityEvent(db, event("UserUpdated", "2026-02-01T10:00:00.000Z", { sub: "k", trn: "4700009", preferredName: "Kanye" }));
  expect(preferredNameForTrn(db, "4700009")).toBe("Kanye");
  const award = { award: "eyts" as const, to: "k@example.com", firstName: "Kanye", lastName: "Robert Ashworth", trn: "4700009", awardDate: "2026-07-01", link: "http://127.0.0.1:4002/sign-in", accessUrl: "http://127.0.0.1:4002" };
  expect(awardInvitationEmail({ ...award, accountExists: true, preferredName: preferredNameForTrn(db, "4700009") }).text).toStartWith("Dear Kanye,");
  // Before an account exists (an invitation), the record's name is the only one there is.
  expect(awardInvitationEmail({ ...award, accountExists: false, expiresUtc: "2026-08-01T10:00:00Z", preferredName: "ignored" }).text).toStartWith("Dear Kanye Robert Ashworth,");
  applyIdentityEvent(db, event("UserDeleted", "2026-03-01T10:00:00.000Z", { sub: "k" }));
  expect(preferredNameForTrn(db, "4700009")).toBeUndefined();
});
