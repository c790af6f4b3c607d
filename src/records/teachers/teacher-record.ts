// Reading teacher records and the JSON shape every reader gets (GET /v2/teachers/{trn},
// GET /v3/teacher; identity and access depend on it).
import { asc, eq, sql } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { ittRecords, teachers } from "../db/schema";
import type { TeacherResponse } from "./teacher-schemas";

export type TeacherRow = typeof teachers.$inferSelect;
export type IttRow = typeof ittRecords.$inferSelect;

/** The record as every reader gets it: its schema (teacher-schemas.ts) is records' OpenAPI document too. */
export type { TeacherResponse } from "./teacher-schemas";

export type TeacherLookup =
  | { found: "one"; teacher: TeacherRow }
  | { found: "none" }
  | { found: "many" };

export function teacherResponse(teacher: TeacherRow, itts: IttRow[]): TeacherResponse {
  return {
    trn: teacher.trn,
    firstName: teacher.firstName,
    middleName: teacher.middleName ?? null,
    lastName: teacher.lastName,
    dateOfBirth: teacher.dateOfBirth,
    email: teacher.email ?? null,
    qtsDate: teacher.qtsDate ?? null,
    inductionStatus: teacher.inductionStatus ?? null,
    initialTeacherTraining: itts.map((itt) => ({
      providerUkprn: itt.providerUkprn,
      providerName: itt.providerName,
      programmeType: itt.programmeType ?? null,
      subjects: JSON.parse(itt.subjects) as string[],
      ageRangeFrom: itt.ageRangeFrom ?? null,
      ageRangeTo: itt.ageRangeTo ?? null,
      startDate: itt.startDate ?? null,
      endDate: itt.endDate ?? null,
      result: itt.result,
    })),
  };
}

/** Reads one teacher's record as the API returns it, with statements prepared once (API hot path). */
export function createTeacherReader(db: RecordsDatabase): (trn: string, birthdate?: string) => TeacherLookup & { record?: TeacherResponse } {
  const byTrn = db.select().from(teachers).where(eq(teachers.trn, sql.placeholder("trn"))).limit(2).prepare();
  const itts = db
    .select()
    .from(ittRecords)
    .where(eq(ittRecords.teacherId, sql.placeholder("teacherId")))
    .orderBy(asc(ittRecords.startDate), asc(ittRecords.id))
    .prepare();
  return (trn, birthdate) =>
    // One read transaction: the teacher and their ITT records come from the same snapshot.
    db.transaction(() => {
      const rows = byTrn.all({ trn });
      if (rows.length > 1) return { found: "many" } as const;
      const teacher = rows[0];
      if (!teacher || (birthdate !== undefined && teacher.dateOfBirth !== birthdate)) return { found: "none" } as const;
      return { found: "one", teacher, record: teacherResponse(teacher, itts.all({ teacherId: teacher.id })) } as const;
    });
}
