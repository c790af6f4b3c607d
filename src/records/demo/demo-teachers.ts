// Fictional teachers loaded on a fresh development install (and by `serve --demo` or
// `teacher-id records demo` on any development install),
// so a newcomer can record a Pass and follow the magic link at once. Addresses are example.com /
// example.org, which never receive mail.
import { eq } from "drizzle-orm";
import { openRecordsDatabase, type RecordsDatabase } from "../db/database";
import { settings } from "../db/schema";
import { importTeacherCsv } from "../import/import-teachers";

/** The teacher the start-up banner names: in training, with an email, so a Pass sends an invitation. */
export const demoTeacher = { trn: "1234567", birthdate: "1998-03-14", name: "Amelia Clarke", ukprn: "10000001" };

export const demoTeachersCsv = `trn,first_name,middle_name,last_name,date_of_birth,email,national_insurance_number,previous_last_names,qts_date,induction_status,itt_provider_ukprn,itt_provider_name,itt_programme_type,itt_subjects,itt_age_range_from,itt_age_range_to,itt_start_date,itt_end_date,itt_result
1234567,Amelia,Rose,Clarke,1998-03-14,amelia.clarke@example.com,,,,,10000001,Riverside Teacher Training Partnership,Postgraduate Teaching Apprenticeship,Mathematics,11,16,2025-09-01,2026-07-31,InTraining
1234568,Oliver,James,Bennett,1997-11-02,oliver.bennett@example.com,,,,,10000002,Northshire SCITT,School Direct Training Programme,English;Drama,11,18,2025-09-01,2026-07-31,InTraining
1234569,Priya,,Sharma,2000-06-25,priya.sharma@example.org,,,,,10000001,Riverside Teacher Training Partnership,Provider-led (postgrad),Primary,3,7,2025-09-01,2026-07-31,InTraining
1234570,Thomas,,Evans,1995-01-30,,,,,,10000002,Northshire SCITT,School Direct Training Programme,Physics,11,16,2025-09-01,2026-07-31,InTraining
1234571,Grace,Adaeze,Okafor,1990-09-18,grace.okafor@example.com,AB123456C,Adeyemi,2019-07-15,Passed,10000003,University of Westmoor,Higher Education Institution (postgrad),History,11,18,2018-09-01,2019-07-15,Pass
1234572,Daniel,,Hughes,1996-05-05,daniel.hughes@example.org,,,,,10000001,Riverside Teacher Training Partnership,Provider-led (postgrad),Computing,11,16,2025-09-01,2026-07-31,InTraining
`;

const seededKey = "demo_teachers_loaded";

export function demoTeachersLoaded(db: RecordsDatabase): boolean {
  return db.select().from(settings).where(eq(settings.key, seededKey)).get() !== undefined;
}

/** Loads the demo teachers whose TRNs are free; returns how many were added. */
export function loadDemoTeachers(db: RecordsDatabase): number {
  const result = importTeacherCsv(db, [demoTeachersCsv], { existingTeachers: "skip", invite: false });
  if (!result.ok) throw new Error(`demo data could not be loaded: ${JSON.stringify(result.problems)}`);
  db.insert(settings).values({ key: seededKey, value: new Date().toISOString() }).onConflictDoNothing().run();
  return result.teachers;
}

/** `serve --demo` and `teacher-id records demo`: the same, in DATA_DIR's records database. */
export function loadDemoTeachersIn(dataDir: string): number {
  const db = openRecordsDatabase(dataDir);
  try {
    return loadDemoTeachers(db);
  } finally {
    db.$client.close();
  }
}
