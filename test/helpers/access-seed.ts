// Test data for access's tests with the real identity and records: teachers put in records'
// database (as an operator's import would) and accounts with a signed-in session in identity's (as
// its sign-in journey would). Not a test file: imported by them.
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import { accounts } from "../../src/identity/db/schema";
import { createSession } from "../../src/identity/sessions/session";
import { openRecordsDatabase, type RecordsDatabase } from "../../src/records/db/database";
import { ittRecords, teachers } from "../../src/records/db/schema";

export interface SeedTeacher {
  trn: string;
  firstName: string;
  middleName?: string;
  lastName: string;
  dateOfBirth: string;
  email: string;
  qtsDate?: string;
  /** Upper case without spaces, as records keeps it (its matcher compares it). */
  nationalInsuranceNumber?: string;
  /** Earlier last names (e.g. a maiden name), which records' matcher also compares. */
  previousLastNames?: string[];
}

export const qualified: SeedTeacher = {
  trn: "3012345",
  firstName: "Amelia",
  middleName: "Rose",
  lastName: "Okafor",
  dateOfBirth: "1994-03-09",
  email: "amelia.okafor@example.com",
  qtsDate: "2026-07-01",
};
export const inTraining: SeedTeacher = {
  trn: "3098765",
  firstName: "Tom",
  lastName: "Briggs",
  dateOfBirth: "1999-11-30",
  email: "tom.briggs@example.com",
};

export interface Seeding {
  identityDb: IdentityDatabaseFile;
  recordsDb: RecordsDatabase;
  /** A teacher record at records, in training with one provider (passed when qtsDate is set). */
  teacher(t: SeedTeacher): void;
  /** An identity account for the teacher (trn null: not linked), signed in; returns the identity_session cookie pair. */
  signedInAtIdentity(t: Omit<SeedTeacher, "trn"> & { trn: string | null }): string;
  close(): void;
}

export function seeding(dataDir: string): Seeding {
  const identityDb = openIdentityDatabase(dataDir);
  const recordsDb = openRecordsDatabase(dataDir);
  return {
    identityDb,
    recordsDb,
    teacher(t) {
      const now = Date.now();
      const { id } = recordsDb
        .insert(teachers)
        .values({ ...t, middleName: t.middleName ?? null, qtsDate: t.qtsDate ?? null, nationalInsuranceNumber: t.nationalInsuranceNumber ?? null, previousLastNames: JSON.stringify(t.previousLastNames ?? []), inductionStatus: "RequiredToComplete", createdAt: now, updatedAt: now })
        .returning({ id: teachers.id })
        .get();
      recordsDb
        .insert(ittRecords)
        .values({
          teacherId: id,
          providerUkprn: "10000001",
          providerName: "Earl Spencer Primary School",
          programmeType: "SchoolDirectTrainingProgramme",
          subjects: JSON.stringify(["Primary", "Mathematics"]),
          ageRangeFrom: 5,
          ageRangeTo: 11,
          startDate: "2025-09-01",
          endDate: "2026-07-01",
          result: t.qtsDate ? "Pass" : "InTraining",
          updatedAt: now,
        })
        .run();
    },
    signedInAtIdentity(t) {
      const now = Date.now();
      const account = identityDb
        .insert(accounts)
        .values({
          id: crypto.randomUUID(),
          email: t.email,
          emailVerified: true,
          phoneNumber: "+447700900123",
          phoneNumberVerified: true,
          givenName: t.firstName,
          familyName: t.lastName,
          birthdate: t.dateOfBirth,
          trn: t.trn,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      return createSession(identityDb, account.id, { secure: false }).setCookie.split(";")[0];
    },
    close() {
      identityDb.$client.close();
      recordsDb.$client.close();
    },
  };
}

/** Hidden fields of the forms on a page (to submit one as a browser would). */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? "";
    if (name) {
      fields[name] = value
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
    }
  }
  return fields;
}
