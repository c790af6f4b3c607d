// Setting an award aside (e.g. QTS recorded in error): the record no longer shows it, so access's
// /check/{code} shows certificates for it as withdrawn. Operators do it (`records set-aside`).
import { and, eq, isNotNull } from "drizzle-orm";
import { changedRows } from "../../db/changed-rows";
import type { RecordsDatabase } from "../db/database";
import { qualifications, teachers } from "../db/schema";

/** `award`: qts, eyts, induction, or npq:ID. */
export function setAsideAward(db: RecordsDatabase, trn: string, award: string, now = Date.now()): "set_aside" | "not_found" | "many" {
  return db.transaction(
    () => {
      const found = db.select({ id: teachers.id }).from(teachers).where(eq(teachers.trn, trn)).limit(2).all();
      if (found.length > 1) return "many";
      const teacher = found[0];
      if (!teacher) return "not_found";
      const where = (column: typeof teachers.qtsDate | typeof teachers.eytsDate) => and(eq(teachers.id, teacher.id), isNotNull(column));
      let changed = 0;
      if (award === "qts") changed = changedRows(db.update(teachers).set({ qtsDate: null, qtsRoute: null, updatedAt: now }).where(where(teachers.qtsDate)).run());
      else if (award === "eyts") changed = changedRows(db.update(teachers).set({ eytsDate: null, updatedAt: now }).where(where(teachers.eytsDate)).run());
      else if (award === "induction") {
        changed = changedRows(
          db
            .update(teachers)
            .set({ inductionStatus: "RequiredToComplete", inductionStartDate: null, inductionCompletedDate: null, updatedAt: now })
            .where(and(eq(teachers.id, teacher.id), eq(teachers.inductionStatus, "Passed")))
            .run(),
        );
      } else if (award.startsWith("npq:")) {
        const id = Number(award.slice(4));
        changed = changedRows(
          db.delete(qualifications).where(and(eq(qualifications.id, id), eq(qualifications.teacherId, teacher.id), eq(qualifications.kind, "npq"))).run(),
        );
      }
      return changed > 0 ? "set_aside" : "not_found";
    },
    { behavior: "immediate" },
  );
}
