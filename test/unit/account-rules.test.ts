// "Your Teacher ID account": the rules under the pages, against a real identity database. Which
// addresses count as a school's, how a new address is read, how the audit log masks values and
// refuses to be rewritten, what deleting an account erases and keeps (the tombstone), and where a
// journey no client started may return to.
import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { isSchoolOrUniversityAddress, parseNewEmail } from "../../src/identity/account/account-answers";
import { changeEmail, deleteAccount, removeClientAccess, signOutEverywhere } from "../../src/identity/account/account-service";
import { readPendingChange, removeExpiredPendingChanges, savePendingChange } from "../../src/identity/account/pending-changes";
import { findAccountById, insertAccount, type NewAccount } from "../../src/identity/accounts/accounts";
import { openIdentityDatabase } from "../../src/identity/db/database";
import { accountChanges, accounts, deletedAccounts, grants, outbox, securityCodes, sessions, trnTokens } from "../../src/identity/db/schema";
import { eventsAbout, recordEvent } from "../../src/identity/events/events";
import { maskValue } from "../../src/identity/events/masking";
import { isIdentityPath } from "../../src/identity/journey/journey-state";
import { startJourney } from "../../src/identity/journey/journey-store";
import { issueSecurityCode, useSecurityCodeKey } from "../../src/identity/security-codes/security-codes";
import { createSession } from "../../src/identity/sessions/session";
import { issueTrnToken } from "../../src/identity/trn-tokens/trn-tokens";
import { sha256 } from "../../src/security/tokens";

const dir = mkdtempSync(join(tmpdir(), "account-rules-"));
const db = openIdentityDatabase(dir);
useSecurityCodeKey(db, randomBytes(32));
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

let nextTrn = 4700001;
function newAccount(fields: Partial<NewAccount> = {}) {
  const trn = String(nextTrn++);
  return insertAccount(db, {
    email: `teacher-${trn}@example.com`,
    phoneNumber: "+447911123456",
    givenName: "Noor",
    familyName: "Haddad",
    preferredName: "Noor Haddad",
    birthdate: "1990-03-27",
    trn,
    ...fields,
  });
}

function grantFor(accountId: string, clientId: string, sessionIdHash: string | null = null) {
  const id = crypto.randomUUID();
  db.insert(grants).values({ id, clientId, accountId, scope: "openid", sessionIdHash, createdAt: Date.now() }).run();
  return id;
}
const revokedAt = (grantId: string) => db.select().from(grants).where(eq(grants.id, grantId)).get()!.revokedAt;

describe("which addresses get 'are you sure'", () => {
  test("school and university addresses do; personal ones, and look-alikes, do not", () => {
    for (const email of ["head@stmarys.sch.uk", "j.smith@leeds.ac.uk", "t@cs.ox.ac.uk", "a@mit.edu", "a@sydney.edu.au", "me@greenschool.org", "me@school.example.com"]) {
      expect({ email, school: isSchoolOrUniversityAddress(email) }).toEqual({ email, school: true });
    }
    for (const email of ["noor@gmail.com", "n@outlook.com", "sch.uk@example.com", "n@ac.uk.example.com", "edu@example.com", "n@ac.uk"]) {
      expect({ email, school: isSchoolOrUniversityAddress(email) }).toEqual({ email, school: false });
    }
  });

  test("a new address is trimmed and lower-cased, and must be valid and not the current one", () => {
    expect(parseNewEmail("  Noor.H@Example.COM ", "old@example.com")).toEqual({ ok: true, value: "noor.h@example.com" });
    expect(parseNewEmail("", "old@example.com")).toMatchObject({ ok: false, field: "email", message: "Enter your new email address" });
    expect(parseNewEmail("not an email", "old@example.com")).toMatchObject({ ok: false, message: expect.stringContaining("correct format") });
    expect(parseNewEmail("OLD@example.com", "old@example.com")).toMatchObject({ ok: false, message: expect.stringContaining("already your email address") });
  });
});

describe("the audit log", () => {
  test("values are masked: recognisable to their owner, not readable to anyone else", () => {
    expect(maskValue("email", "jane.doe@example.com")).toBe("ja****e@example.com");
    expect(maskValue("phone", "+447911123456")).toBe("+44*******456");
    expect(maskValue("name", "Noor Haddad")).toBe("N*** H*****");
    expect(maskValue("name", "Al")).toBe("A*");
    expect(maskValue("phone", null)).toBeNull();
  });

  test("is append-only: the database refuses to change or delete an event", () => {
    const account = newAccount();
    const id = recordEvent(db, { type: "UserUpdated", actor: account.id, subject: account.id, payload: { changes: {} } });
    expect(() => db.$client.run("UPDATE events SET type = 'Nothing' WHERE id = ?", [id])).toThrow("append-only");
    expect(() => db.$client.run("DELETE FROM events WHERE id = ?", [id])).toThrow("append-only");
    expect(eventsAbout(db, account.id).map((e) => e.type)).toEqual(["UserUpdated"]);
  });
});

describe("changes", () => {
  test("an address another account has is refused, and nothing is written: no change, notice or event", () => {
    const [mine, theirs] = [newAccount(), newAccount()];
    const session = createSession(db, mine.id, { secure: false }).session;
    const outboxBefore = db.select().from(outbox).all().length;
    expect(changeEmail(db, { account: mine, session, newEmail: theirs.email, supportEmail: "support@example.com" })).toEqual({ ok: false, reason: "in-use" });
    expect(findAccountById(db, mine.id)!.email).toBe(mine.email);
    expect(db.select().from(outbox).all().length).toBe(outboxBefore);
    expect(eventsAbout(db, mine.id)).toEqual([]);
  });

  test("a changed address: the account, a notice to the old address (no link), a masked event, in one go", () => {
    const account = newAccount();
    const session = createSession(db, account.id, { secure: false }).session;
    savePendingChange(db, session, { kind: "email", value: "new.address@example.com", stage: "code-sent" });
    expect(changeEmail(db, { account, session, newEmail: "new.address@example.com", supportEmail: "support@example.com" })).toEqual({ ok: true });
    expect(findAccountById(db, account.id)).toMatchObject({ email: "new.address@example.com", emailVerified: true });
    const notice = db.select().from(outbox).all().map((row) => JSON.parse(row.payload)).find((p) => p.to === account.email);
    expect(notice.subject).toBe("Your Teacher ID email address was changed");
    expect(notice.text).toContain("ne****s@example.com");
    expect(notice.text).not.toContain("new.address@example.com");
    expect(notice.text).not.toMatch(/https?:\/\//);
    const [event] = eventsAbout(db, account.id);
    expect(event).toMatchObject({ type: "UserUpdated", actor: `account:${account.id}`, payload: { changes: { email: { old: expect.stringContaining("****"), new: "ne****s@example.com" } } } });
    expect(readPendingChange(db, session, "email")).toBeUndefined();
  });

  test("remove access revokes that client's grants only; sign out everywhere ends every session and grant", () => {
    const account = newAccount();
    const other = newAccount();
    const s1 = createSession(db, account.id, { secure: false }).session;
    createSession(db, account.id, { secure: false });
    const [accessGrant, secondAccessGrant, otherClient, othersGrant] = [
      grantFor(account.id, "access-service", s1.idHash),
      grantFor(account.id, "access-service"),
      grantFor(account.id, "another-service"),
      grantFor(other.id, "access-service"),
    ];
    expect(removeClientAccess(db, { accountId: account.id, clientId: "access-service" })).toBe(2);
    expect([revokedAt(accessGrant), revokedAt(secondAccessGrant)].every((t) => t !== null)).toBe(true);
    expect([revokedAt(otherClient), revokedAt(othersGrant)]).toEqual([null, null]);

    expect(signOutEverywhere(db, account.id)).toEqual({ sessionsEnded: 2, grantsRevoked: 1 });
    expect(db.select().from(sessions).where(eq(sessions.accountId, account.id)).all()).toEqual([]);
    expect(revokedAt(otherClient)).not.toBeNull();
    expect(revokedAt(othersGrant)).toBeNull();
    expect(eventsAbout(db, account.id).map((e) => [e.type, e.payload])).toEqual([
      ["GrantRevoked", { clientId: "access-service", grantsRevoked: 2 }],
      ["SignedOutEverywhere", { sessionsEnded: 2, grantsRevoked: 1 }],
    ]);
  });

  test("expired pending changes are removed; live ones stay", () => {
    const account = newAccount();
    const session = createSession(db, account.id, { secure: false }).session;
    const now = Date.now();
    savePendingChange(db, session, { kind: "phone", value: "+447911000111", stage: "code-sent" }, now - 2 * 3_600_000);
    expect(readPendingChange(db, session, "phone", now)).toBeUndefined();
    expect(removeExpiredPendingChanges(db, now)).toBeGreaterThanOrEqual(1);
    expect(db.select().from(accountChanges).where(eq(accountChanges.sessionIdHash, session.idHash)).all()).toEqual([]);
    savePendingChange(db, session, { kind: "phone", value: "+447911000111", stage: "code-sent" }, now);
    expect(removeExpiredPendingChanges(db, now)).toBe(0);
    expect(readPendingChange(db, session, "phone", now)?.value).toBe("+447911000111");
  });
});

describe("deleting an account", () => {
  test("erases its personal data, unbinds its TRN and revokes its grants; the tombstone keeps only the sub and the time", () => {
    const account = newAccount();
    const bystander = newAccount();
    const trn = account.trn!;
    const session = createSession(db, account.id, { secure: false }).session;
    savePendingChange(db, session, { kind: "delete", value: null, stage: "code-sent" });
    const grant = grantFor(account.id, "access-service", session.idHash);
    const link = issueTrnToken(db, { trn, email: account.email, clientId: "records-service" }, { ttlMs: 86_400_000 });
    db.update(trnTokens).set({ consumedAt: Date.now(), accountId: account.id }).where(eq(trnTokens.tokenHash, sha256(link.trnToken))).run();
    issueSecurityCode(db, { purpose: "account_deletion", destination: account.email });
    issueSecurityCode(db, { purpose: "phone_verification", destination: account.phoneNumber! });

    deleteAccount(db, account);

    expect(findAccountById(db, account.id)).toBeUndefined();
    expect(db.select().from(sessions).where(eq(sessions.accountId, account.id)).all()).toEqual([]);
    expect(db.select().from(accountChanges).where(eq(accountChanges.accountId, account.id)).all()).toEqual([]);
    expect(db.select().from(trnTokens).where(eq(trnTokens.trn, trn)).all()).toEqual([]);
    expect(db.select().from(securityCodes).all().filter((c) => c.destination === account.email || c.destination === account.phoneNumber)).toEqual([]);
    expect(revokedAt(grant)).not.toBeNull();
    expect(db.select().from(deletedAccounts).where(eq(deletedAccounts.sub, account.id)).all()).toEqual([{ sub: account.id, deletedAt: expect.any(Number) }]);
    const [deleted] = eventsAbout(db, account.id, "newest-first");
    expect(deleted).toMatchObject({ type: "UserDeleted", payload: { grantsRevoked: 1, trnUnbound: true } });
    // Nothing personal in the log's record of the deletion.
    expect(JSON.stringify(deleted)).not.toContain(account.email.split("@")[0]);
    expect(JSON.stringify(deleted)).not.toContain(trn);
    expect(findAccountById(db, bystander.id)).toEqual(bystander);

    // The TRN and the email are free again: a new account may have them, with a new sub.
    const again = newAccount({ trn, email: account.email });
    expect(again.id).not.toBe(account.id);
  });

  test("the same sub is never issued again: the database refuses an account with a tombstoned id", () => {
    const account = newAccount();
    deleteAccount(db, account);
    const now = Date.now();
    expect(() =>
      db.insert(accounts).values({ id: account.id, email: "someone-else@example.com", createdAt: now, updatedAt: now }).run(),
    ).toThrow("this sub belonged to a deleted account");
  });
});

describe("journeys no client started", () => {
  test("return only to a path on identity", () => {
    for (const path of ["/account", "/account/email", "/account/delete"]) expect(isIdentityPath(path)).toBe(true);
    for (const path of ["//evil.example", "/\\evil.example", "https://evil.example/", "account", "/account?x=1", "/account#x", "", "/%2F%2Fevil"]) {
      expect({ path, ok: isIdentityPath(path) }).toEqual({ path, ok: false });
    }
    expect(() => startJourney(db, { returnTo: "//evil.example" }, { secure: false })).toThrow("only to a path on identity");
    expect(startJourney(db, { returnTo: "/account" }, { secure: false }).journey.state).toEqual({ returnTo: "/account" });
  });
});
