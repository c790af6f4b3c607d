// records' tables. Times are unix milliseconds; dates are ISO yyyy-mm-dd strings.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
export { outbox } from "../../outbox/schema";

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const inductionStatuses = ["RequiredToComplete", "InProgress", "Passed", "Failed", "Exempt", "None"] as const;
export type InductionStatus = (typeof inductionStatuses)[number];

/** ITT results: InTraining (and the deferrals) are still open; Pass, Fail and Withdrawn are final. */
export const ittResults = ["InTraining", "UnderAssessment", "Deferred", "DeferredForSkillsTests", "Pass", "Fail", "Withdrawn"] as const;
export type IttResult = (typeof ittResults)[number];

export const teachers = sqliteTable(
  "teachers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** 7 digits. Not unique on purpose: DQT holds some duplicate records, which the API reports (10002). */
    trn: text("trn").notNull(),
    firstName: text("first_name").notNull(),
    middleName: text("middle_name"),
    lastName: text("last_name").notNull(),
    /** Null when DQT does not know it (some records lack one); identity then asks the teacher. */
    dateOfBirth: text("date_of_birth"),
    email: text("email"),
    qtsDate: text("qts_date"),
    inductionStatus: text("induction_status", { enum: inductionStatuses }),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("teachers_trn").on(t.trn)],
);

export const ittRecords = sqliteTable(
  "itt_records",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => teachers.id, { onDelete: "cascade" }),
    providerUkprn: text("provider_ukprn").notNull(),
    providerName: text("provider_name").notNull(),
    programmeType: text("programme_type"),
    /** JSON array of subject names. */
    subjects: text("subjects").notNull().default("[]"),
    ageRangeFrom: integer("age_range_from"),
    ageRangeTo: integer("age_range_to"),
    startDate: text("start_date"),
    endDate: text("end_date"),
    result: text("result", { enum: ittResults }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("itt_records_teacher").on(t.teacherId)],
);
