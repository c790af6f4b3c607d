// Support cases: a teacher who created an account without a link and whose record records could
// not match. Opened by the journey (in the transaction that creates the account), resolved by
// support (the console in src/identity/admin/ calls these plain functions): a TRN assigned, checked
// with records and bound to the account, or the case closed. The teacher is emailed each time,
// through the outbox in the same transaction.
import { and, count, desc, eq } from "drizzle-orm";
import { randomInt } from "node:crypto";
import { enqueueEmail } from "../../outbox/enqueue";
import type { Logger } from "../../log/logger";
import { attachTrn, findAccountById, findAccountByTrn, isUniqueViolation } from "../accounts/accounts";
import type { IdentityDatabaseFile, IdentityDb } from "../db/database";
import { supportCases } from "../db/schema";
import { actor, recordEvent } from "../events/events";
import type { FindRecordAnswers } from "../journey/journey-state";
import type { TeacherLookup } from "../register/records-client";
import { supportCaseClosedEmail, supportCaseOpenedEmail, supportCaseResolvedEmail } from "./find-record-messages";

export type SupportCaseStatus = "open" | "resolved" | "closed";

/** What the teacher gave to find their record: only these are kept with the case. */
export interface CaseAnswers {
  firstName: string | null;
  lastName: string;
  previousLastName: string | null;
  dateOfBirth: string;
  identifier: NonNullable<FindRecordAnswers["identifier"]>;
}

export interface SupportCase {
  reference: string;
  accountId: string;
  /** The account's email now (for support to write to). */
  email: string | null;
  answers: CaseAnswers;
  status: SupportCaseStatus;
  trn: string | null;
  reason: string | null;
  resolvedBy: string | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
}

/** Letters and digits nobody mistakes for one another (no 0/O, 1/I/L). */
const referenceAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const referencePattern = /^TID-[A-Z2-9]{4}-[A-Z2-9]{4}$/;

/** "TID-XXXX-XXXX": what the teacher and support quote. About 8.5e11 of them: retried on a clash. */
export function newCaseReference(): string {
  const part = () => Array.from({ length: 4 }, () => referenceAlphabet[randomInt(referenceAlphabet.length)]).join("");
  return `TID-${part()}-${part()}`;
}

export function caseAnswersFrom(answers: FindRecordAnswers): CaseAnswers {
  return {
    firstName: answers.firstName ?? null,
    lastName: answers.lastName!,
    previousLastName: answers.previousLastName ?? null,
    dateOfBirth: answers.dateOfBirth!,
    identifier: answers.identifier!,
  };
}

/** Where the teacher is told to sign in, and how soon support answers. */
export interface CaseMessageSettings {
  accessUrl: string;
  responseTime: string;
}

/** Opens a case for `accountId` in the caller's transaction, with its email to the teacher; returns its reference. */
export function openSupportCase(
  tx: IdentityDb,
  input: { accountId: string; email: string; answers: CaseAnswers },
  settings: CaseMessageSettings,
  now = Date.now(),
): string {
  for (let attempt = 0; ; attempt++) {
    const reference = newCaseReference();
    try {
      tx.insert(supportCases)
        .values({
          reference,
          accountId: input.accountId,
          kind: "trn-lookup",
          answers: JSON.stringify(input.answers),
          status: "open",
          createdAt: now,
          updatedAt: now,
        })
        .run();
    } catch (error) {
      if (attempt < 5 && isUniqueViolation(error, "support_cases.reference")) continue;
      throw error;
    }
    enqueueEmail(tx, supportCaseOpenedEmail(input.email, { reference, accessUrl: settings.accessUrl, responseTime: settings.responseTime }), now);
    return reference;
  }
}

type Row = typeof supportCases.$inferSelect;

function toCase(db: IdentityDb, row: Row): SupportCase {
  return {
    reference: row.reference,
    accountId: row.accountId,
    email: findAccountById(db, row.accountId)?.email ?? null,
    answers: JSON.parse(row.answers) as CaseAnswers,
    status: row.status,
    trn: row.trn,
    reason: row.reason,
    resolvedBy: row.resolvedBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    resolvedAt: row.resolvedAt,
  };
}

/** The case with this reference (as typed: case and spaces forgiven), or undefined. */
export function findSupportCase(db: IdentityDb, reference: string): SupportCase | undefined {
  const normalised = reference.trim().toUpperCase().replace(/\s+/g, "");
  if (!referencePattern.test(normalised)) return undefined;
  const row = db.select().from(supportCases).where(eq(supportCases.reference, normalised)).get();
  return row ? toCase(db, row) : undefined;
}

/** Open cases, oldest first (the order support works through them); `offset` for the next page. */
export function listOpenSupportCases(db: IdentityDb, options: { limit?: number; offset?: number } = {}): SupportCase[] {
  return db
    .select()
    .from(supportCases)
    .where(eq(supportCases.status, "open"))
    .orderBy(supportCases.createdAt, supportCases.reference)
    .limit(options.limit ?? 100)
    .offset(options.offset ?? 0)
    .all()
    .map((row) => toCase(db, row));
}

/** How many cases are open. */
export function countOpenSupportCases(db: IdentityDb): number {
  return db.select({ n: count() }).from(supportCases).where(eq(supportCases.status, "open")).get()?.n ?? 0;
}

/** An account's cases, newest first (the console's teacher page). */
export function supportCasesOf(db: IdentityDb, accountId: string): SupportCase[] {
  return db
    .select()
    .from(supportCases)
    .where(eq(supportCases.accountId, accountId))
    .orderBy(desc(supportCases.createdAt))
    .limit(20)
    .all()
    .map((row) => toCase(db, row));
}

export interface SupportDeps {
  db: IdentityDatabaseFile;
  logger: Logger;
  /** records GET /v2/teachers/{trn}: the TRN must name a real record. */
  findTeacher: TeacherLookup;
  settings: CaseMessageSettings;
  /** Tells the outbox worker an email waits (optional: the worker polls anyway). */
  nudgeOutbox?: () => void;
}

export type SupportActionResult =
  | { ok: true; supportCase: SupportCase }
  | {
      ok: false;
      reason: "invalid" | "not-found" | "not-open" | "no-record" | "records-unavailable" | "trn-held-elsewhere" | "account-has-trn";
      message: string;
    };

const refuse = (reason: Exclude<SupportActionResult, { ok: true }>["reason"], message: string): SupportActionResult => ({ ok: false, reason, message });

function checkStaffInput(input: { staffId: string; reason: string }): SupportActionResult | undefined {
  if (!input.staffId.trim()) return refuse("invalid", "Say which member of staff is acting");
  const reason = input.reason.trim();
  if (!reason) return refuse("invalid", "Enter the reason");
  if (reason.length > 1000) return refuse("invalid", "The reason must be 1000 characters or fewer");
  return undefined;
}

/**
 * Support found the teacher's record: binds `trn` to the case's account (TrnBound, actor staff),
 * resolves the case and emails the teacher. The TRN must be a record at records, and no other
 * account may hold it; an account that has a TRN by now keeps it (the case cannot change it).
 */
export async function assignTrnToSupportCase(
  deps: SupportDeps,
  input: { staffId: string; reference: string; trn: string; reason: string },
  now = Date.now(),
): Promise<SupportActionResult> {
  const bad = checkStaffInput(input);
  if (bad) return bad;
  const trn = input.trn.trim();
  if (!/^\d{7}$/.test(trn)) return refuse("invalid", "Enter a TRN of 7 digits");
  const found = findSupportCase(deps.db, input.reference);
  if (!found) return refuse("not-found", "There is no support case with that reference");
  if (found.status !== "open") return refuse("not-open", `The case is already ${found.status}`);
  const lookup = await deps.findTeacher(trn);
  if (lookup.status === "not_found") return refuse("no-record", "records has no teacher with that TRN");
  if (lookup.status === "unavailable") return refuse("records-unavailable", "records cannot be reached: try again later");
  try {
    const result = deps.db.transaction((tx): SupportActionResult => {
      // Read again inside the transaction: another member of staff may have acted meanwhile.
      const current = findSupportCase(tx, found.reference);
      if (!current || current.status !== "open") return refuse("not-open", `The case is already ${current?.status ?? "gone"}`);
      const account = findAccountById(tx, current.accountId);
      if (!account) return refuse("not-found", "The account of this case no longer exists");
      if (account.trn !== null) return refuse("account-has-trn", "The account already has a TRN");
      const holder = findAccountByTrn(tx, trn);
      if (holder) return refuse("trn-held-elsewhere", "Another Teacher ID account holds that TRN");
      attachTrn(tx, account.id, trn, now);
      recordEvent(tx, { type: "TrnBound", actor: actor.staff(input.staffId), subject: account.id, payload: { trn, via: "support-case", reference: current.reference, reason: input.reason.trim() } }, now);
      tx.update(supportCases)
        .set({ status: "resolved", trn, reason: input.reason.trim(), resolvedBy: actor.staff(input.staffId), resolvedAt: now, updatedAt: now })
        .where(and(eq(supportCases.reference, current.reference), eq(supportCases.status, "open")))
        .run();
      enqueueEmail(tx, supportCaseResolvedEmail(account.email, { reference: current.reference, accessUrl: deps.settings.accessUrl }), now);
      return { ok: true, supportCase: findSupportCase(tx, current.reference)! };
    });
    if (result.ok) {
      deps.nudgeOutbox?.();
      deps.logger.info("support_case_resolved", { reference: found.reference, staff: input.staffId });
    }
    return result;
  } catch (error) {
    if (isUniqueViolation(error, "accounts.trn")) return refuse("trn-held-elsewhere", "Another Teacher ID account holds that TRN");
    throw error;
  }
}

/** Support could not find a record (or the case is not needed): closes it and emails the teacher. */
export function closeSupportCase(deps: SupportDeps, input: { staffId: string; reference: string; reason: string }, now = Date.now()): SupportActionResult {
  const bad = checkStaffInput(input);
  if (bad) return bad;
  const result = deps.db.transaction((tx): SupportActionResult => {
    const current = findSupportCase(tx, input.reference);
    if (!current) return refuse("not-found", "There is no support case with that reference");
    if (current.status !== "open") return refuse("not-open", `The case is already ${current.status}`);
    tx.update(supportCases)
      .set({ status: "closed", reason: input.reason.trim(), resolvedBy: actor.staff(input.staffId), resolvedAt: now, updatedAt: now })
      .where(and(eq(supportCases.reference, current.reference), eq(supportCases.status, "open")))
      .run();
    recordEvent(tx, { type: "SupportCaseClosed", actor: actor.staff(input.staffId), subject: current.accountId, payload: { reference: current.reference, reason: input.reason.trim() } }, now);
    if (current.email) enqueueEmail(tx, supportCaseClosedEmail(current.email, { reference: current.reference, accessUrl: deps.settings.accessUrl }), now);
    return { ok: true, supportCase: findSupportCase(tx, current.reference)! };
  });
  if (result.ok) {
    deps.nudgeOutbox?.();
    deps.logger.info("support_case_closed", { reference: result.supportCase.reference, staff: input.staffId });
  }
  return result;
}
