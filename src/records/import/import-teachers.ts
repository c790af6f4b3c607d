// Loads checked teachers into the database in one synchronous transaction: all or nothing.
import { inArray } from "drizzle-orm";
import type { RecordsDatabase } from "../db/database";
import { ittRecords, teachers } from "../db/schema";
import type { CsvProblem, ImportedTeacher } from "./teacher-csv";

export type ImportResult = { ok: true; teachers: number; ittRecords: number } | { ok: false; problems: CsvProblem[] };

export function importTeachers(db: RecordsDatabase, rows: ImportedTeacher[], now = Date.now()): ImportResult {
  return db.transaction(
    (tx) => {
      const trns = rows.map((t) => t.trn);
      const existing = new Set<string>();
      // SQLite limits bound parameters; check in chunks.
      for (let i = 0; i < trns.length; i += 500) {
        for (const row of tx.select({ trn: teachers.trn }).from(teachers).where(inArray(teachers.trn, trns.slice(i, i + 500))).all()) {
          existing.add(row.trn);
        }
      }
      const problems = rows
        .filter((t) => existing.has(t.trn))
        .map((t) => ({ line: t.line, message: `a teacher with trn ${t.trn} is already in records (import adds new teachers only)` }));
      if (problems.length) return { ok: false, problems } as const;
      let itts = 0;
      for (const t of rows) {
        const { id } = tx
          .insert(teachers)
          .values({
            trn: t.trn,
            firstName: t.firstName,
            middleName: t.middleName,
            lastName: t.lastName,
            dateOfBirth: t.dateOfBirth,
            email: t.email,
            qtsDate: t.qtsDate,
            inductionStatus: t.inductionStatus,
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: teachers.id })
          .get();
        for (const itt of t.itt) {
          tx.insert(ittRecords)
            .values({
              teacherId: id,
              providerUkprn: itt.providerUkprn,
              providerName: itt.providerName,
              programmeType: itt.programmeType,
              subjects: JSON.stringify(itt.subjects),
              ageRangeFrom: itt.ageRangeFrom,
              ageRangeTo: itt.ageRangeTo,
              startDate: itt.startDate,
              endDate: itt.endDate,
              result: itt.result,
              updatedAt: now,
            })
            .run();
          itts++;
        }
      }
      return { ok: true, teachers: rows.length, ittRecords: itts } as const;
    },
    { behavior: "immediate" },
  );
}
