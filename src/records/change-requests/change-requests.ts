// Change requests: a teacher asks records to correct the name or date of birth on their record,
// with one evidence file. Each is open until someone has checked the evidence (support's work).
// Creating one stores the request, its evidence and the confirmation email in one transaction.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import { enqueueEmail } from "../../outbox/enqueue";
import type { RecordsDatabase } from "../db/database";
import { changeRequestEvidence, changeRequests, teachers, type ChangeRequestType } from "../db/schema";
import { randomCaseReference } from "./case-reference";
import { changeRequestEmail } from "./change-request-email";
import { preferredNameForTrn } from "../identity-events/teacher-id-accounts";
import type { AcceptedFile } from "./evidence-file";

/** How many requests a teacher may have open at once. */
export const maxOpenChangeRequests = 3;

export type RequestedValues = { firstName: string; middleName: string | null; lastName: string } | { dateOfBirth: string };

/** An open request, as GET /v3/teacher lists it (`pendingDetailChanges`) and the POSTs answer it. */
export interface PendingDetailChange {
  caseReference: string;
  type: ChangeRequestType;
  requested: RequestedValues;
  createdUtc: string;
}

export type CreateChangeRequestResult =
  | { ok: true; change: PendingDetailChange; emailed: boolean }
  | { ok: false; reason: "teacherNotFound" | "multipleTeachers" | "tooManyOpen" | "unchanged" };

export type ChangeRequestRow = typeof changeRequests.$inferSelect;

export function requestedValues(row: ChangeRequestRow): RequestedValues {
  return row.type === "dateOfBirth"
    ? { dateOfBirth: row.requestedDateOfBirth ?? "" }
    : { firstName: row.requestedFirstName ?? "", middleName: row.requestedMiddleName, lastName: row.requestedLastName ?? "" };
}

function pendingChange(row: ChangeRequestRow): PendingDetailChange {
  return {
    caseReference: row.reference,
    type: row.type,
    requested: requestedValues(row),
    createdUtc: new Date(row.createdAt).toISOString(),
  };
}

function isUnchanged(teacher: typeof teachers.$inferSelect, requested: RequestedValues): boolean {
  if ("dateOfBirth" in requested) return teacher.dateOfBirth === requested.dateOfBirth;
  return (
    teacher.firstName === requested.firstName &&
    (teacher.middleName ?? null) === requested.middleName &&
    teacher.lastName === requested.lastName
  );
}

export function createChangeRequest(
  db: RecordsDatabase,
  input: { trn: string; requestedBy: string; requested: RequestedValues; evidence: AcceptedFile; accessUrl: string },
  now = Date.now(),
): CreateChangeRequestResult {
  const type: ChangeRequestType = "dateOfBirth" in input.requested ? "dateOfBirth" : "name";
  const { requested, evidence } = input;
  // IMMEDIATE: the count of open requests and the insert are one step, even for two requests at once.
  return db.transaction(
    (tx): CreateChangeRequestResult => {
      const found = tx.select().from(teachers).where(eq(teachers.trn, input.trn)).limit(2).all();
      if (found.length > 1) return { ok: false, reason: "multipleTeachers" };
      const teacher = found[0];
      if (!teacher) return { ok: false, reason: "teacherNotFound" };
      if (isUnchanged(teacher, requested)) return { ok: false, reason: "unchanged" };
      const open = tx
        .select({ n: count() })
        .from(changeRequests)
        .where(and(eq(changeRequests.teacherId, teacher.id), eq(changeRequests.status, "open")))
        .get();
      if ((open?.n ?? 0) >= maxOpenChangeRequests) return { ok: false, reason: "tooManyOpen" };

      let reference = randomCaseReference();
      while (tx.select({ id: changeRequests.id }).from(changeRequests).where(eq(changeRequests.reference, reference)).get()) {
        reference = randomCaseReference();
      }
      const row = tx
        .insert(changeRequests)
        .values({
          reference,
          teacherId: teacher.id,
          type,
          ...("dateOfBirth" in requested
            ? { requestedDateOfBirth: requested.dateOfBirth }
            : { requestedFirstName: requested.firstName, requestedMiddleName: requested.middleName, requestedLastName: requested.lastName }),
          requestedBy: input.requestedBy,
          createdAt: now,
        })
        .returning()
        .get();
      tx.insert(changeRequestEvidence)
        .values({
          changeRequestId: row.id,
          fileName: evidence.name,
          mediaType: evidence.type.mime,
          size: evidence.bytes.byteLength,
          sha256: createHash("sha256").update(evidence.bytes).digest("hex"),
          content: Buffer.from(evidence.bytes.buffer, evidence.bytes.byteOffset, evidence.bytes.byteLength),
        })
        .run();
      if (teacher.email) {
        // The teacher has a Teacher ID account (they asked through access): greeted by the name they chose there.
        const name = preferredNameForTrn(tx, input.trn) ?? [teacher.firstName, teacher.lastName].filter(Boolean).join(" ");
        enqueueEmail(tx, changeRequestEmail({ to: teacher.email, name, caseReference: reference, type, requested, accessUrl: input.accessUrl }), now);
      }
      return { ok: true, change: pendingChange(row), emailed: !!teacher.email };
    },
    { behavior: "immediate" },
  );
}

/** The teacher's open change requests, oldest first (statement prepared once: GET /v3/teacher is a hot path). */
export function createPendingChangesReader(db: RecordsDatabase): (teacherId: number) => PendingDetailChange[] {
  const open = db
    .select()
    .from(changeRequests)
    .where(and(eq(changeRequests.teacherId, sql.placeholder("teacherId")), eq(changeRequests.status, "open")))
    .orderBy(asc(changeRequests.createdAt), asc(changeRequests.id))
    .prepare();
  return (teacherId) => open.all({ teacherId }).map(pendingChange);
}
