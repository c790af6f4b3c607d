// The work behind records' support API, as plain functions: what support sees of a teacher (open
// change requests, invitations), one change request with its evidence, and deciding it. A decision
// is one transaction: the record (on approval), the request's status, and the email to the teacher.
import { and, eq, inArray } from "drizzle-orm";
import { enqueueEmail } from "../../outbox/enqueue";
import type { RecordsDatabase } from "../db/database";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "../db/schema";

/** The database or a transaction on it. */
type Db = BaseSQLiteDatabase<"sync", unknown, typeof schema>;
import { changeRequestEvidence, changeRequests, outbox, teachers } from "../db/schema";
import { createPendingChangesReader, requestedValues, type ChangeRequestRow } from "../change-requests/change-requests";
import { awards, invitationDedupeKey, invitationKinds, type Award, type AwardInvitationPayload } from "../invitations/award-invitation";
import type { ChangeRequestDetail, Invitation, TeacherSupportSummary } from "./support-schemas";
import { changeRequestDecisionEmail } from "./support-email";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type SummaryOutcome = { found: "one"; summary: TeacherSupportSummary } | { found: "none" | "many" };

export function teacherSupportSummary(db: RecordsDatabase, trn: string): SummaryOutcome {
  const found = db.select().from(teachers).where(eq(teachers.trn, trn)).limit(2).all();
  if (found.length > 1) return { found: "many" };
  const teacher = found[0];
  if (!teacher) return { found: "none" };
  const keys = awards.map((award) => invitationDedupeKey(award, trn));
  const awardOfKind = new Map(Object.entries(invitationKinds).map(([award, kind]) => [kind, award as Award]));
  const invitations: Invitation[] = db
    .select()
    .from(outbox)
    .where(inArray(outbox.dedupeKey, keys))
    .all()
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((row) => {
      const payload = JSON.parse(row.payload) as AwardInvitationPayload;
      return {
        award: payload.award ?? awardOfKind.get(row.kind) ?? "qts",
        reason: payload.reason ?? null,
        email: payload.email,
        status: row.status,
        accountExists: payload.accountExists ?? null,
        createdUtc: new Date(row.createdAt).toISOString(),
        sentUtc: iso(row.sentAt),
      };
    });
  return {
    found: "one",
    summary: {
      trn,
      name: [teacher.firstName, teacher.middleName, teacher.lastName].filter(Boolean).join(" "),
      email: teacher.email,
      openChangeRequests: createPendingChangesReader(db)(teacher.id),
      invitations,
    },
  };
}

function detail(db: Db, row: ChangeRequestRow): ChangeRequestDetail {
  const teacher = db.select().from(teachers).where(eq(teachers.id, row.teacherId)).get()!;
  const evidence = db
    .select({
      fileName: changeRequestEvidence.fileName,
      mediaType: changeRequestEvidence.mediaType,
      size: changeRequestEvidence.size,
      sha256: changeRequestEvidence.sha256,
    })
    .from(changeRequestEvidence)
    .where(eq(changeRequestEvidence.changeRequestId, row.id))
    .get()!;
  return {
    caseReference: row.reference,
    type: row.type,
    status: row.status,
    trn: teacher.trn,
    requested: requestedValues(row),
    current: { firstName: teacher.firstName, middleName: teacher.middleName, lastName: teacher.lastName, dateOfBirth: teacher.dateOfBirth },
    requestedBy: row.requestedBy,
    createdUtc: new Date(row.createdAt).toISOString(),
    closedUtc: iso(row.closedAt),
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    evidence,
  };
}

const byReference = (db: Db, reference: string) => db.select().from(changeRequests).where(eq(changeRequests.reference, reference)).get();

export function findChangeRequest(db: RecordsDatabase, reference: string): ChangeRequestDetail | undefined {
  const row = byReference(db, reference);
  return row ? detail(db, row) : undefined;
}

export function changeRequestEvidenceFile(db: RecordsDatabase, reference: string): { fileName: string; mediaType: string; content: Buffer } | undefined {
  return db
    .select({ fileName: changeRequestEvidence.fileName, mediaType: changeRequestEvidence.mediaType, content: changeRequestEvidence.content })
    .from(changeRequestEvidence)
    .innerJoin(changeRequests, eq(changeRequests.id, changeRequestEvidence.changeRequestId))
    .where(eq(changeRequests.reference, reference))
    .get();
}

export type DecisionOutcome = { ok: true; changeRequest: ChangeRequestDetail; emailed: boolean } | { ok: false; reason: "notFound" | "closed" };

/**
 * Approves or rejects an open change request. Approving writes the requested values to the record.
 * The teacher is emailed either way (when the record has an address). A request already decided
 * changes nothing (the conditional update is what decides, so two staff at once cannot both).
 */
export function decideChangeRequest(
  db: RecordsDatabase,
  input: { reference: string; decision: "approved" | "rejected"; reason: string; decidedBy: string; accessUrl: string },
  now = Date.now(),
): DecisionOutcome {
  return db.transaction(
    (tx): DecisionOutcome => {
      const row = byReference(tx, input.reference);
      if (!row) return { ok: false, reason: "notFound" };
      const closed = tx
        .update(changeRequests)
        .set({ status: input.decision, closedAt: now, decidedBy: input.decidedBy, decisionReason: input.reason })
        .where(and(eq(changeRequests.id, row.id), eq(changeRequests.status, "open")))
        .returning()
        .get();
      if (!closed) return { ok: false, reason: "closed" };
      const teacher = tx.select().from(teachers).where(eq(teachers.id, row.teacherId)).get()!;
      const requested = requestedValues(row);
      if (input.decision === "approved") {
        tx.update(teachers)
          .set({
            ...("dateOfBirth" in requested
              ? { dateOfBirth: requested.dateOfBirth }
              : { firstName: requested.firstName, middleName: requested.middleName, lastName: requested.lastName }),
            updatedAt: now,
          })
          .where(eq(teachers.id, teacher.id))
          .run();
      }
      if (teacher.email) {
        // Addressed by the name the teacher asked for when it is now theirs, else the record's.
        const name =
          input.decision === "approved" && !("dateOfBirth" in requested)
            ? [requested.firstName, requested.lastName].join(" ")
            : [teacher.firstName, teacher.lastName].join(" ");
        enqueueEmail(
          tx,
          changeRequestDecisionEmail({
            decision: input.decision,
            to: teacher.email,
            name,
            caseReference: row.reference,
            type: row.type,
            requested,
            reason: input.reason,
            accessUrl: input.accessUrl,
          }),
          now,
        );
      }
      return { ok: true, changeRequest: detail(tx, closed), emailed: !!teacher.email };
    },
    { behavior: "immediate" },
  );
}
