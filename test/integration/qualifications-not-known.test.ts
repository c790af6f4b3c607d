// The qualifications page says "Not known" only where the teacher's record truly lacks a value:
// over real HTTP, a teacher whose record has every field shows none, and teachers each lacking
// one value show "Not known" in that row and nowhere else.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { ittRecords, qualifications, teachers } from "../../src/records/db/schema";
import { importQualificationCsv } from "../../src/records/import/import-qualifications";
import { HttpBrowser } from "../helpers/access-http-browser";
import { qualified, seeding, type Seeding } from "../helpers/access-seed";
import { startTestSystem, type TestSystem } from "../helpers/system";

let system: TestSystem;
let seed: Seeding;

beforeAll(async () => {
  system = await startTestSystem();
  seed = seeding(system.dataDir);
});
afterAll(async () => {
  seed?.close();
  await system?.stop();
});

let nextTrn = 3110000;

/** A teacher whose record has every value the page shows: QTS with its route, EYTS, a passed induction, ITT, an NPQ and an MQ. */
function completeTeacher(): { trn: string; teacherId: number } {
  const trn = String(nextTrn++);
  const teacher = { ...qualified, trn, email: `not-known-${trn}@example.com` };
  seed.teacher(teacher);
  const { id } = seed.recordsDb
    .update(teachers)
    .set({ qtsRoute: "InitialTeacherTraining", eytsDate: "2025-06-01", inductionStatus: "Passed", inductionStartDate: "2026-09-01", inductionCompletedDate: "2027-07-01" })
    .where(eq(teachers.trn, trn))
    .returning({ id: teachers.id })
    .get();
  const imported = importQualificationCsv(seed.recordsDb, [
    "trn,qualification,type,provider_name,status,start_date,awarded_date\n" +
      `${trn},npq,NPQH,Ambition Institute,Passed,2025-01-01,2026-02-02\n` +
      `${trn},mandatory,Visual,University of Birmingham,Passed,2024-01-01,2025-01-01\n`,
  ]);
  expect(imported).toEqual({ ok: true, qualifications: 2, dryRun: false });
  return { trn, teacherId: id };
}

/** The qualifications page as the teacher sees it, signed in over HTTP. */
async function qualificationsPage(trn: string): Promise<string> {
  const browser = new HttpBrowser();
  const [name, value] = seed.signedInAtIdentity({ ...qualified, trn, email: `not-known-${trn}@example.com` }).split("=");
  browser.cookies.set(name, value);
  const { response, url } = await browser.follow(`${system.urls.access}/sign-in`);
  expect(url).toBe(`${system.urls.access}/qualifications`);
  return response.text();
}

const plain = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();

/** Every summary-list row on the page as "Section > Label: value", the section being its card's title or heading. */
function rows(html: string): string[] {
  const found: string[] = [];
  let section = "";
  const pattern =
    /<h2 class="govuk-(?:summary-card__title|heading-m)"[^>]*>([\s\S]*?)<\/h2>|<dt class="govuk-summary-list__key"[^>]*>([\s\S]*?)<\/dt>\s*<dd class="govuk-summary-list__value"[^>]*>([\s\S]*?)<\/dd>/g;
  for (const [, heading, label, value] of html.matchAll(pattern)) {
    if (heading !== undefined) section = plain(heading);
    else found.push(`${section} > ${plain(label)}: ${plain(value)}`);
  }
  return found;
}

const notKnownRows = (html: string) => rows(html).filter((row) => row.includes("Not known"));

describe("'Not known' on the qualifications page", () => {
  test("a teacher whose record has every value sees no 'Not known'", async () => {
    const html = await qualificationsPage(completeTeacher().trn);
    const shown = rows(html);
    // The page did show every card and value (so the absence below means something).
    for (const row of [
      "Qualified teacher status (QTS) > Route: Initial teacher training",
      "Early years teacher status (EYTS) > Date awarded: 1 June 2025",
      "Induction > Status: Passed",
      "Induction > Start date: 1 September 2026",
      "Induction > Date completed: 1 July 2027",
      "Initial teacher training (ITT) > Programme type: School direct training programme",
      "Initial teacher training (ITT) > Subjects: Primary, Mathematics",
      "Initial teacher training (ITT) > Age range: 5 to 11 years",
      "National professional qualification (NPQ) > Date awarded: 2 February 2026",
      "Mandatory qualification (MQ) > Status: Passed",
      "Your details > Date of birth: 9 March 1994",
    ]) {
      expect(shown).toContain(row);
    }
    expect(html).not.toContain("Not known");
  });

  const missing: { lacks: string; remove: (ids: { trn: string; teacherId: number }) => void; row: string }[] = [
    {
      lacks: "the QTS route",
      remove: ({ trn }) => seed.recordsDb.update(teachers).set({ qtsRoute: null }).where(eq(teachers.trn, trn)).run(),
      row: "Qualified teacher status (QTS) > Route: Not known",
    },
    {
      lacks: "the induction status",
      remove: ({ trn }) =>
        seed.recordsDb.update(teachers).set({ inductionStatus: null, inductionStartDate: null, inductionCompletedDate: null }).where(eq(teachers.trn, trn)).run(),
      row: "Induction > Status: Not known",
    },
    {
      lacks: "the induction start date",
      remove: ({ trn }) => seed.recordsDb.update(teachers).set({ inductionStartDate: null }).where(eq(teachers.trn, trn)).run(),
      row: "Induction > Start date: Not known",
    },
    {
      lacks: "the induction completion date",
      remove: ({ trn }) => seed.recordsDb.update(teachers).set({ inductionCompletedDate: null }).where(eq(teachers.trn, trn)).run(),
      row: "Induction > Date completed: Not known",
    },
    {
      lacks: "the ITT programme type",
      remove: ({ teacherId }) => seed.recordsDb.update(ittRecords).set({ programmeType: null }).where(eq(ittRecords.teacherId, teacherId)).run(),
      row: "Initial teacher training (ITT) > Programme type: Not known",
    },
    {
      lacks: "the ITT subjects",
      remove: ({ teacherId }) => seed.recordsDb.update(ittRecords).set({ subjects: "[]" }).where(eq(ittRecords.teacherId, teacherId)).run(),
      row: "Initial teacher training (ITT) > Subjects: Not known",
    },
    {
      lacks: "the ITT age range",
      remove: ({ teacherId }) =>
        seed.recordsDb.update(ittRecords).set({ ageRangeFrom: null, ageRangeTo: null }).where(eq(ittRecords.teacherId, teacherId)).run(),
      row: "Initial teacher training (ITT) > Age range: Not known",
    },
    {
      lacks: "the ITT start date",
      remove: ({ teacherId }) => seed.recordsDb.update(ittRecords).set({ startDate: null }).where(eq(ittRecords.teacherId, teacherId)).run(),
      row: "Initial teacher training (ITT) > Start date: Not known",
    },
    {
      lacks: "the ITT end date",
      remove: ({ teacherId }) => seed.recordsDb.update(ittRecords).set({ endDate: null }).where(eq(ittRecords.teacherId, teacherId)).run(),
      row: "Initial teacher training (ITT) > End date: Not known",
    },
    {
      lacks: "a passed NPQ's award date",
      remove: ({ teacherId }) =>
        seed.recordsDb
          .update(qualifications)
          .set({ awardedDate: null })
          .where(and(eq(qualifications.teacherId, teacherId), eq(qualifications.kind, "npq")))
          .run(),
      row: "National professional qualification (NPQ) > Date awarded: Not known",
    },
    {
      lacks: "the date of birth",
      remove: ({ trn }) => seed.recordsDb.update(teachers).set({ dateOfBirth: null }).where(eq(teachers.trn, trn)).run(),
      row: "Your details > Date of birth: Not known",
    },
  ];

  for (const { lacks, remove, row } of missing) {
    test(`a record lacking ${lacks} shows 'Not known' there and nowhere else`, async () => {
      const teacher = completeTeacher();
      remove(teacher);
      const html = await qualificationsPage(teacher.trn);
      expect(notKnownRows(html)).toEqual([row]);
      // The row, and once (under the qualification cards) what "Not known" means; "Your details" offers a change request instead.
      const explained = row.startsWith("Your details") ? 0 : 1;
      expect(html.match(/Not known/g)).toHaveLength(1 + explained);
      expect(html.match(/“Not known” means your teaching record does not include that detail/g) ?? []).toHaveLength(explained);
    });
  }

  test("half an age range is shown as such, not as 'Not known'", async () => {
    const teacher = completeTeacher();
    seed.recordsDb.update(ittRecords).set({ ageRangeTo: null }).where(eq(ittRecords.teacherId, teacher.teacherId)).run();
    const html = await qualificationsPage(teacher.trn);
    expect(rows(html)).toContain("Initial teacher training (ITT) > Age range: From 5 years");
    expect(html).not.toContain("Not known");
  });
});
