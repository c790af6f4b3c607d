// Reading teacher records and the JSON shape every reader gets (GET /v2/teachers/{trn},
// GET /v3/teacher; identity and access depend on it).
import { asc, eq, sql } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { ittRecords, qualifications, teachers } from "../db/schema";
import { createTeacherIdAccountReader } from "../identity-events/teacher-id-accounts";
import type { TeacherResponse } from "./teacher-schemas";

export type TeacherRow = typeof teachers.$inferSelect;
export type IttRow = typeof ittRecords.$inferSelect;
export type QualificationRow = typeof qualifications.$inferSelect;

/** The full names DfE gives each NPQ type. */
export const npqNames: Record<string, string> = {
  NPQH: "National Professional Qualification (NPQ) for Headship",
  NPQSL: "National Professional Qualification (NPQ) for Senior Leadership",
  NPQML: "National Professional Qualification (NPQ) for Middle Leadership",
  NPQLT: "National Professional Qualification (NPQ) for Leading Teaching",
  NPQLTD: "National Professional Qualification (NPQ) for Leading Teacher Development",
  NPQLBC: "National Professional Qualification (NPQ) for Leading Behaviour and Culture",
  NPQEL: "National Professional Qualification (NPQ) for Executive Leadership",
  NPQEYL: "National Professional Qualification (NPQ) for Early Years Leadership",
  NPQSENCO: "National Professional Qualification (NPQ) for Special Educational Needs Co-ordinators",
  NPQLL: "National Professional Qualification (NPQ) for Leading Literacy",
};
/** Mandatory qualifications' specialisms, as people read them. */
export const specialismNames: Record<string, string> = {
  Hearing: "Hearing impairment",
  Visual: "Visual impairment",
  MultiSensory: "Multi-sensory impairment",
};

/** The record as every reader gets it: its schema (teacher-schemas.ts) is records' OpenAPI document too. */
export type { TeacherResponse } from "./teacher-schemas";

export type TeacherLookup =
  | { found: "one"; teacher: TeacherRow }
  | { found: "none" }
  | { found: "many" };

export function teacherResponse(
  teacher: TeacherRow,
  itts: IttRow[],
  quals: QualificationRow[] = [],
  teacherIdAccount: TeacherResponse["teacherIdAccount"] = { exists: false, since: null },
): TeacherResponse {
  return {
    trn: teacher.trn,
    firstName: teacher.firstName,
    middleName: teacher.middleName ?? null,
    lastName: teacher.lastName,
    dateOfBirth: teacher.dateOfBirth,
    dateOfBirthProvenance: teacher.dateOfBirth === null ? null : teacher.dateOfBirthProvenance,
    email: teacher.email ?? null,
    qtsDate: teacher.qtsDate ?? null,
    qtsRoute: teacher.qtsRoute ?? null,
    eytsDate: teacher.eytsDate ?? null,
    inductionStatus: teacher.inductionStatus ?? null,
    induction: {
      status: teacher.inductionStatus ?? null,
      startDate: teacher.inductionStartDate ?? null,
      completedDate: teacher.inductionCompletedDate ?? null,
    },
    npqs: quals
      .filter((q) => q.kind === "npq")
      .map((q) => ({ id: q.id, type: q.type, name: npqNames[q.type] ?? q.type, providerName: q.providerName, status: q.status, startDate: q.startDate, awardedDate: q.awardedDate })),
    mandatoryQualifications: quals
      .filter((q) => q.kind === "mandatory")
      .map((q) => ({
        id: q.id,
        specialism: q.type,
        name: specialismNames[q.type] ?? q.type,
        providerName: q.providerName,
        status: q.status,
        startDate: q.startDate,
        awardedDate: q.awardedDate,
      })),
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
    teacherIdAccount,
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
  const quals = db
    .select()
    .from(qualifications)
    .where(eq(qualifications.teacherId, sql.placeholder("teacherId")))
    .orderBy(asc(qualifications.awardedDate), asc(qualifications.id))
    .prepare();
  const teacherIdAccount = createTeacherIdAccountReader(db);
  return (trn, birthdate) =>
    // One read transaction: the teacher and their ITT records come from the same snapshot.
    db.transaction(() => {
      const rows = byTrn.all({ trn });
      if (rows.length > 1) return { found: "many" } as const;
      const teacher = rows[0];
      // ?birthdate= matches only a date from the teaching record, never the teacher's unchecked answer.
      if (!teacher || (birthdate !== undefined && (teacher.dateOfBirthProvenance !== "dqt" || teacher.dateOfBirth !== birthdate)))
        return { found: "none" } as const;
      return { found: "one", teacher, record: teacherResponse(teacher, itts.all({ teacherId: teacher.id }), quals.all({ teacherId: teacher.id }), teacherIdAccount(trn)) } as const;
    });
}
