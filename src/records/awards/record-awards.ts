// Recording an award other than through an ITT outcome: QTS by another route, EYTS, induction.
// Each is one synchronous transaction that changes the record and, the first time the award is
// made to a teacher with an email, enqueues its invitation (src/records/invitations/). A repeat,
// or the same award arriving by a second path, changes nothing and sends nothing.
import { eq, sql } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { teachers } from "../db/schema";
import { prepareEnqueue } from "../../outbox/enqueue";
import type { RecordsError } from "../api-errors";
import { awardInvitation, type Award, type InvitationReason } from "../invitations/award-invitation";
import type { EytsBody, InductionBody, QtsBody } from "./award-schemas";

export type InvitationOutcome = "enqueued" | "already_enqueued" | "skipped_no_email" | "none";
export type AwardResult<T> = ({ ok: true; invitation: InvitationOutcome } & T) | { ok: false; error: RecordsError };

type TeacherRow = typeof teachers.$inferSelect;

export function createAwardRecorder(db: RecordsDatabase) {
  const byTrn = db.select().from(teachers).where(eq(teachers.trn, sql.placeholder("trn"))).limit(2).prepare();
  const enqueue = prepareEnqueue(db);

  /** The one teacher with this TRN, or the error to answer. */
  const findTeacher = (trn: string): TeacherRow | { error: RecordsError } => {
    const found = byTrn.all({ trn });
    if (found.length > 1) return { error: "multipleTeachers" };
    return found[0] ?? { error: "teacherNotFound" };
  };

  /** Enqueues the award's invitation (once per award and TRN, ever). */
  const invite = (teacher: TeacherRow, award: Award, reason: InvitationReason, date: string, now: number): InvitationOutcome => {
    if (!teacher.email) return "skipped_no_email";
    const id = enqueue(awardInvitation(award, reason, { ...teacher, email: teacher.email }, date), now);
    return id === undefined ? "already_enqueued" : "enqueued";
  };

  const inTransaction = <T>(work: () => T): T => db.transaction(work, { behavior: "immediate" });

  return {
    /** PUT /v2/teachers/{trn}/qts: QTS by a route other than ITT (assessment only, overseas-trained teachers...). */
    qts(trn: string, body: QtsBody, now = Date.now()): AwardResult<{ trn: string; qtsDate: string; route: string | null }> {
      return inTransaction(() => {
        const teacher = findTeacher(trn);
        if ("error" in teacher) return { ok: false, error: teacher.error } as const;
        if (teacher.qtsDate && teacher.qtsDate !== body.qtsDate) return { ok: false, error: "qtsDateConflict" } as const;
        if (teacher.qtsDate) return { ok: true, trn, qtsDate: teacher.qtsDate, route: teacher.qtsRoute, invitation: "none" } as const;
        db.update(teachers).set({ qtsDate: body.qtsDate, qtsRoute: body.route, updatedAt: now }).where(eq(teachers.id, teacher.id)).run();
        return { ok: true, trn, qtsDate: body.qtsDate, route: body.route, invitation: invite(teacher, "qts", "put-qts", body.qtsDate, now) } as const;
      });
    },

    /** PUT /v2/teachers/{trn}/eyts: early years teacher status. */
    eyts(trn: string, body: EytsBody, now = Date.now()): AwardResult<{ trn: string; eytsDate: string }> {
      return inTransaction(() => {
        const teacher = findTeacher(trn);
        if ("error" in teacher) return { ok: false, error: teacher.error } as const;
        if (teacher.eytsDate && teacher.eytsDate !== body.eytsDate) return { ok: false, error: "eytsDateConflict" } as const;
        if (teacher.eytsDate) return { ok: true, trn, eytsDate: teacher.eytsDate, invitation: "none" } as const;
        db.update(teachers).set({ eytsDate: body.eytsDate, updatedAt: now }).where(eq(teachers.id, teacher.id)).run();
        return { ok: true, trn, eytsDate: body.eytsDate, invitation: invite(teacher, "eyts", "put-eyts", body.eytsDate, now) } as const;
      });
    },

    /** PUT /v2/teachers/{trn}/induction: the induction's status and dates, as the appropriate body last gave them. */
    induction(
      trn: string,
      body: InductionBody,
      now = Date.now(),
    ): AwardResult<{ trn: string; status: string; startDate: string | null; completedDate: string | null }> {
      return inTransaction(() => {
        const teacher = findTeacher(trn);
        if ("error" in teacher) return { ok: false, error: teacher.error } as const;
        const next = { inductionStatus: body.status, inductionStartDate: body.startDate ?? null, inductionCompletedDate: body.completedDate ?? null };
        const same =
          teacher.inductionStatus === next.inductionStatus &&
          teacher.inductionStartDate === next.inductionStartDate &&
          teacher.inductionCompletedDate === next.inductionCompletedDate;
        if (!same) db.update(teachers).set({ ...next, updatedAt: now }).where(eq(teachers.id, teacher.id)).run();
        // Only a pass invites ("you have completed your induction"); the dedupe key keeps it to one.
        const invitation = body.status === "Passed" ? invite(teacher, "induction", "induction-passed", body.completedDate!, now) : "none";
        return { ok: true, trn, status: body.status, startDate: next.inductionStartDate, completedDate: next.inductionCompletedDate, invitation } as const;
      });
    },
  };
}
