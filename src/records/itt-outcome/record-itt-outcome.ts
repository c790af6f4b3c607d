// Recording an ITT outcome: one synchronous transaction sets the ITT result, the QTS date, and
// (only when QTS is first awarded to a teacher with an email) enqueues the invitation email.
import { and, eq } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { ittRecords, teachers, type IttResult } from "../db/schema";
import { enqueueMessage } from "../../outbox/enqueue";
import type { RecordsError } from "../api-errors";
import { findTeacher, type IttRow } from "../teachers/teacher-record";
import type { IttOutcome } from "./itt-outcome-schemas";
import { qtsInvitationKind, type QtsInvitationPayload } from "../invitations/qts-invitation-payload";

/** Results that can still change; Pass, Fail and Withdrawn are final. */
const openResults: IttResult[] = ["InTraining", "UnderAssessment", "Deferred", "DeferredForSkillsTests"];

export interface IttOutcomeInput {
  trn: string;
  birthdate: string;
  ittProviderUkprn: string;
  outcome: IttOutcome;
  assessmentDate?: string | null;
}

export type IttOutcomeResult =
  | {
      ok: true;
      trn: string;
      qtsDate: string | null;
      /** What happened to the invitation email. */
      invitation: "enqueued" | "already_enqueued" | "skipped_no_email" | "none";
      outboxId?: number;
    }
  | { ok: false; error: RecordsError };

/** Which of the provider's ITT records takes the outcome: one that already has it (a repeat), else the latest open one. */
function pickIttRecord(records: IttRow[], outcome: IttOutcome): IttRow | undefined {
  const same = records.find((r) => r.result === outcome);
  if (same) return same;
  return records
    .filter((r) => openResults.includes(r.result))
    .sort((a, b) => (b.startDate ?? "").localeCompare(a.startDate ?? "") || b.id - a.id)[0];
}

export function recordIttOutcome(db: RecordsDatabase, input: IttOutcomeInput, now = Date.now()): IttOutcomeResult {
  return db.transaction(
    (tx) => {
      const lookup = findTeacher(tx, input.trn, input.birthdate);
      if (lookup.found === "many") return { ok: false, error: "multipleTeachers" } as const;
      if (lookup.found === "none") return { ok: false, error: "teacherNotFound" } as const;
      const teacher = lookup.teacher;

      const pass = input.outcome === "Pass";
      if (pass && teacher.qtsDate && teacher.qtsDate !== input.assessmentDate) {
        return { ok: false, error: "qtsDateConflict" } as const;
      }
      const candidates = tx
        .select()
        .from(ittRecords)
        .where(and(eq(ittRecords.teacherId, teacher.id), eq(ittRecords.providerUkprn, input.ittProviderUkprn)))
        .all();
      const itt = pickIttRecord(candidates, input.outcome);
      if (!itt) return { ok: false, error: "noMatchingIttRecord" } as const;

      if (itt.result !== input.outcome) {
        tx.update(ittRecords).set({ result: input.outcome, updatedAt: now }).where(eq(ittRecords.id, itt.id)).run();
      }
      if (!pass || teacher.qtsDate) {
        return { ok: true, trn: teacher.trn, qtsDate: teacher.qtsDate ?? null, invitation: "none" } as const;
      }

      // QTS is awarded now, for the first time.
      const qtsDate = input.assessmentDate!;
      tx.update(teachers).set({ qtsDate, updatedAt: now }).where(eq(teachers.id, teacher.id)).run();
      if (!teacher.email) return { ok: true, trn: teacher.trn, qtsDate, invitation: "skipped_no_email" } as const;
      const payload: QtsInvitationPayload = {
        trn: teacher.trn,
        email: teacher.email,
        firstName: teacher.firstName,
        lastName: teacher.lastName,
        qtsDate,
      };
      const outboxId = enqueueMessage(tx, { kind: qtsInvitationKind, payload, dedupeKey: `${qtsInvitationKind}:${teacher.trn}` }, now);
      return {
        ok: true,
        trn: teacher.trn,
        qtsDate,
        invitation: outboxId === undefined ? "already_enqueued" : "enqueued",
        outboxId,
      } as const;
    },
    { behavior: "immediate" },
  );
}
