// records' tables. Times are unix milliseconds; dates are ISO yyyy-mm-dd strings.
import { blob, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
export { outbox } from "../../outbox/schema";

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const inductionStatuses = ["RequiredToComplete", "InProgress", "Passed", "Failed", "Exempt", "None"] as const;
export type InductionStatus = (typeof inductionStatuses)[number];

/** The routes to QTS records knows; "InitialTeacherTraining" is set by an ITT Pass. */
export const qtsRoutes = [
  "InitialTeacherTraining",
  "AssessmentOnly",
  "OverseasTrainedTeacher",
  "ScotlandOrNorthernIreland",
  "EuropeanEconomicArea",
  "Apprenticeship",
  "Other",
] as const;
export type QtsRoute = (typeof qtsRoutes)[number];

/** ITT results: InTraining (and the deferrals) are still open; Pass, Fail and Withdrawn are final. */
export const ittResults = ["InTraining", "UnderAssessment", "Deferred", "DeferredForSkillsTests", "Pass", "Fail", "Withdrawn"] as const;
export type IttResult = (typeof ittResults)[number];

/** Where a teacher's date of birth came from (teachers.date_of_birth_provenance). */
export const dateOfBirthProvenances = ["dqt", "teacher"] as const;
export type DateOfBirthProvenance = (typeof dateOfBirthProvenances)[number];

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
    /**
     * Where date_of_birth came from: "dqt" (the teaching record: an import, the operator) or "teacher"
     * (the teacher's answer while registering with Teacher ID, not yet checked). A teacher's answer
     * never replaces a DQT date; a DQT date replaces a teacher's.
     */
    dateOfBirthProvenance: text("date_of_birth_provenance", { enum: dateOfBirthProvenances }).notNull().default("dqt"),
    /** When the teacher gave it (provenance "teacher"). */
    dateOfBirthGivenAt: integer("date_of_birth_given_at"),
    email: text("email"),
    /** UK National Insurance number, upper case without spaces (e.g. QQ123456C); null when DQT has none. */
    nationalInsuranceNumber: text("national_insurance_number"),
    /** Last names the teacher had before (e.g. a maiden name): a JSON array of strings, "[]" when none. */
    previousLastNames: text("previous_last_names").notNull().default("[]"),
    qtsDate: text("qts_date"),
    /** How QTS was reached (qtsRoutes); null when DQT does not know. */
    qtsRoute: text("qts_route", { enum: qtsRoutes }),
    /** Early years teacher status. */
    eytsDate: text("eyts_date"),
    inductionStatus: text("induction_status", { enum: inductionStatuses }),
    inductionStartDate: text("induction_start_date"),
    inductionCompletedDate: text("induction_completed_date"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("teachers_trn").on(t.trn), index("teachers_date_of_birth").on(t.dateOfBirth)],
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

/** What a teacher may ask records to correct, with evidence (POST /v3/teacher/name-changes, /date-of-birth-changes). */
export const changeRequestTypes = ["name", "dateOfBirth"] as const;
export type ChangeRequestType = (typeof changeRequestTypes)[number];
/** Open until someone has checked the evidence; approving or rejecting it is support's work. */
export const changeRequestStatuses = ["open", "approved", "rejected"] as const;

export const changeRequests = sqliteTable(
  "change_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** CASE-7Q4M2K: what the teacher quotes, and what support looks up. */
    reference: text("reference").notNull().unique(),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => teachers.id, { onDelete: "cascade" }),
    type: text("type", { enum: changeRequestTypes }).notNull(),
    /** The values asked for: the name's parts for "name", the date for "dateOfBirth". */
    requestedFirstName: text("requested_first_name"),
    requestedMiddleName: text("requested_middle_name"),
    requestedLastName: text("requested_last_name"),
    requestedDateOfBirth: text("requested_date_of_birth"),
    status: text("status", { enum: changeRequestStatuses }).notNull().default("open"),
    /** identity's subject identifier of the account that asked. */
    requestedBy: text("requested_by").notNull(),
    createdAt: integer("created_at").notNull(),
    closedAt: integer("closed_at"),
    /** Who approved or rejected it: identity's staff member, as `staff:<id>`. */
    decidedBy: text("decided_by"),
    /** Why: given by staff on every approval and rejection; a rejection's is told to the teacher. */
    decisionReason: text("decision_reason"),
  },
  (t) => [index("change_requests_teacher_status").on(t.teacherId, t.status)],
);

/**
 * The evidence sent with a change request, kept apart so that listing requests never reads it.
 * Nothing serves it back: only people checking the request (support) will read it.
 */
export const changeRequestEvidence = sqliteTable("change_request_evidence", {
  changeRequestId: integer("change_request_id")
    .primaryKey()
    .references(() => changeRequests.id, { onDelete: "cascade" }),
  /** As the teacher named it, for people to read; never used as a path. */
  fileName: text("file_name").notNull(),
  /** Found in the file's bytes, not taken from the client. */
  mediaType: text("media_type").notNull(),
  size: integer("size").notNull(),
  sha256: text("sha256").notNull(),
  content: blob("content", { mode: "buffer" }).notNull(),
});

/** National professional qualifications and mandatory qualifications (for teachers of pupils with sensory impairment). */
export const qualificationKinds = ["npq", "mandatory"] as const;
export type QualificationKind = (typeof qualificationKinds)[number];
export const npqTypes = ["NPQH", "NPQSL", "NPQML", "NPQLT", "NPQLTD", "NPQLBC", "NPQEL", "NPQEYL", "NPQSENCO", "NPQLL"] as const;
export const mandatorySpecialisms = ["Hearing", "Visual", "MultiSensory"] as const;
export const qualificationStatuses = ["InProgress", "Passed", "Failed", "Deferred"] as const;

export const qualifications = sqliteTable(
  "qualifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    teacherId: integer("teacher_id")
      .notNull()
      .references(() => teachers.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: qualificationKinds }).notNull(),
    /** An NPQ's type (npqTypes) or a mandatory qualification's specialism (mandatorySpecialisms). */
    type: text("type").notNull(),
    providerName: text("provider_name"),
    status: text("status", { enum: qualificationStatuses }).notNull(),
    startDate: text("start_date"),
    /** When it was passed (awarded); null until then. */
    awardedDate: text("awarded_date"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("qualifications_teacher_kind_type").on(t.teacherId, t.kind, t.type)],
);

/**
 * Which Teacher ID account (identity's `sub`) holds which TRN, and since when, as identity's
 * webhooks tell it (src/records/identity-events/). One row per account that holds a TRN.
 */
export const teacherIdAccounts = sqliteTable(
  "teacher_id_accounts",
  {
    sub: text("sub").primaryKey(),
    trn: text("trn").notNull(),
    /** When identity bound this TRN to this account (the event's time, ms). */
    since: integer("since").notNull(),
    /** The name the teacher asked to be called at Teacher ID: the greeting of emails to an account holder. */
    preferredName: text("preferred_name"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("teacher_id_accounts_trn").on(t.trn)],
);

/** Webhook ids already handled: a replayed delivery (same `webhook-id`) is answered but not applied again. */
export const identityWebhookDeliveries = sqliteTable("identity_webhook_deliveries", {
  webhookId: text("webhook_id").primaryKey(),
  receivedAt: integer("received_at").notNull(),
});
