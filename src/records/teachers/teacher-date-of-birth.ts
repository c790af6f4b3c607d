// The date of birth a teacher gave Teacher ID while registering, when their record had none
// (PUT /v2/teachers/{trn}/date-of-birth-from-teacher). Kept with its provenance, "teacher": given by
// the teacher, not yet checked. A date from DQT is never replaced by a teacher's answer.
import { and, eq, isNull, or } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { teachers, type DateOfBirthProvenance } from "../db/schema";

export type DateOfBirthFromTeacherResult =
  | { ok: true; trn: string; dateOfBirth: string; dateOfBirthProvenance: DateOfBirthProvenance; stored: boolean }
  | { ok: false; error: "teacherNotFound" | "multipleTeachers" };

export function createDateOfBirthFromTeacherRecorder(db: RecordsDatabase) {
  return (trn: string, dateOfBirth: string, now = Date.now()): DateOfBirthFromTeacherResult =>
    db.transaction((tx) => {
      const rows = tx
        .select({ id: teachers.id, dateOfBirth: teachers.dateOfBirth, provenance: teachers.dateOfBirthProvenance, givenAt: teachers.dateOfBirthGivenAt })
        .from(teachers)
        .where(eq(teachers.trn, trn))
        .limit(2)
        .all();
      if (rows.length > 1) return { ok: false, error: "multipleTeachers" } as const;
      const teacher = rows[0];
      if (!teacher) return { ok: false, error: "teacherNotFound" } as const;
      if (teacher.dateOfBirth !== null && teacher.provenance === "dqt")
        return { ok: true, trn, dateOfBirth: teacher.dateOfBirth, dateOfBirthProvenance: "dqt", stored: false } as const;
      // The same answer again (a retried delivery) keeps when it was first given.
      const givenAt = teacher.dateOfBirth === dateOfBirth && teacher.givenAt !== null ? teacher.givenAt : now;
      tx.update(teachers)
        .set({ dateOfBirth, dateOfBirthProvenance: "teacher", dateOfBirthGivenAt: givenAt, updatedAt: now })
        // Checked again as the row changes: never over a DQT date.
        .where(and(eq(teachers.id, teacher.id), or(isNull(teachers.dateOfBirth), eq(teachers.dateOfBirthProvenance, "teacher"))))
        .run();
      return { ok: true, trn, dateOfBirth, dateOfBirthProvenance: "teacher", stored: true } as const;
    });
}
