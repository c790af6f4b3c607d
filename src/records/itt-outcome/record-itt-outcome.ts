// Recording an ITT outcome: one synchronous transaction sets the ITT result, the QTS date, and
// (only when QTS is first awarded to a teacher with an email) enqueues the invitation email, the
// same one, under the same dedupe key, as every other path to QTS (src/records/invitations/).
// Statements are prepared once: this path is benchmarked at thousands of requests a second.
import { and, eq, sql } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { ittRecords, teachers, type IttResult } from "../db/schema";
import { prepareEnqueue } from "../../outbox/enqueue";
import type { RecordsError } from "../api-errors";
import type { IttOutcome } from "./itt-outcome-schemas";
import { awardInvitation } from "../invitations/award-invitation";

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

interface IttCandidate {
  id: number;
  result: IttResult;
  startDate: string | null;
}

/** Which of the provider's ITT records takes the outcome: one that already has it (a repeat), else the latest open one. */
function pickIttRecord(records: IttCandidate[], outcome: IttOutcome): IttCandidate | undefined {
  const same = records.find((r) => r.result === outcome);
  if (same) return same;
  return records
    .filter((r) => openResults.includes(r.result))
    .sort((a, b) => (b.startDate ?? "").localeCompare(a.startDate ?? "") || b.id - a.id)[0];
}

export type IttOutcomeRecorder = (input: IttOutcomeInput, now?: number) => IttOutcomeResult;

export function createIttOutcomeRecorder(db: RecordsDatabase): IttOutcomeRecorder {
  const teachersWithTrn = db
    .select({
      id: teachers.id,
      trn: teachers.trn,
      dateOfBirth: teachers.dateOfBirth,
      dateOfBirthProvenance: teachers.dateOfBirthProvenance,
      email: teachers.email,
      firstName: teachers.firstName,
      lastName: teachers.lastName,
      qtsDate: teachers.qtsDate,
    })
    .from(teachers)
    .where(eq(teachers.trn, sql.placeholder("trn")))
    .prepare();
  const providerIttRecords = db
    .select({ id: ittRecords.id, result: ittRecords.result, startDate: ittRecords.startDate })
    .from(ittRecords)
    .where(and(eq(ittRecords.teacherId, sql.placeholder("teacherId")), eq(ittRecords.providerUkprn, sql.placeholder("ukprn"))))
    .prepare();
  const setIttResult = db
    .update(ittRecords)
    .set({ result: sql`${sql.placeholder("result")}`, updatedAt: sql`${sql.placeholder("now")}` })
    .where(eq(ittRecords.id, sql.placeholder("id")))
    .prepare();
  const setQtsDate = db
    .update(teachers)
    .set({ qtsDate: sql`${sql.placeholder("qtsDate")}`, qtsRoute: "InitialTeacherTraining", updatedAt: sql`${sql.placeholder("now")}` })
    .where(eq(teachers.id, sql.placeholder("id")))
    .prepare();
  const enqueue = prepareEnqueue(db);

  return (input, now = Date.now()) =>
    db.transaction(
      () => {
        const found = teachersWithTrn.all({ trn: input.trn });
        if (found.length > 1) return { ok: false, error: "multipleTeachers" } as const;
        const teacher = found[0];
        // Only a date from the teaching record identifies the teacher: a teacher's own answer is not checked yet.
        if (!teacher || teacher.dateOfBirthProvenance !== "dqt" || teacher.dateOfBirth !== input.birthdate)
          return { ok: false, error: "teacherNotFound" } as const;

        const pass = input.outcome === "Pass";
        if (pass && teacher.qtsDate && teacher.qtsDate !== input.assessmentDate) {
          return { ok: false, error: "qtsDateConflict" } as const;
        }
        const itt = pickIttRecord(providerIttRecords.all({ teacherId: teacher.id, ukprn: input.ittProviderUkprn }), input.outcome);
        if (!itt) return { ok: false, error: "noMatchingIttRecord" } as const;

        if (itt.result !== input.outcome) setIttResult.run({ result: input.outcome, now, id: itt.id });
        if (!pass || teacher.qtsDate) {
          return { ok: true, trn: teacher.trn, qtsDate: teacher.qtsDate ?? null, invitation: "none" } as const;
        }

        // QTS is awarded now, for the first time.
        const qtsDate = input.assessmentDate!;
        setQtsDate.run({ qtsDate, now, id: teacher.id });
        if (!teacher.email) return { ok: true, trn: teacher.trn, qtsDate, invitation: "skipped_no_email" } as const;
        const outboxId = enqueue(awardInvitation("qts", "itt-outcome-pass", { ...teacher, email: teacher.email }, qtsDate), now);
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
