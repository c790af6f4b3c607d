// GET /v2/teachers/{trn} and GET /v3/teacher: the record every reader gets (identity and access
// depend on it), as the routes give it and as records' OpenAPI document describes it.
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";
import { isIsoDate, todayInUk } from "../dates";
import { dateOfBirthProvenances } from "../db/schema";
import { pendingDetailChangeSchema } from "../change-requests/change-request-schemas";
import { trnParams, trnSchema } from "../itt-outcome/itt-outcome-schemas";

const date = z.iso.date();

export const initialTeacherTrainingSchema = z.object({
  providerUkprn: z.string(),
  providerName: z.string(),
  programmeType: z.string().nullable(),
  subjects: z.array(z.string()),
  ageRangeFrom: z.int().nullable(),
  ageRangeTo: z.int().nullable(),
  startDate: date.nullable(),
  endDate: date.nullable(),
  result: z.string().meta({ description: "InTraining, UnderAssessment, Pass, Fail, Withdrawn, Deferred or DeferredForSkillsTests." }),
});

export const teacherRecordSchema = z.object({
  trn: trnSchema,
  firstName: z.string(),
  middleName: z.string().nullable(),
  lastName: z.string(),
  dateOfBirth: date.nullable().meta({ description: "Null when neither DQT nor the teacher has given one." }),
  dateOfBirthProvenance: z
    .enum(dateOfBirthProvenances)
    .nullable()
    .meta({
      description:
        "Where dateOfBirth came from: dqt (the teaching record) or teacher (the teacher's own answer when registering with Teacher ID, not yet checked). Null when there is no date. Only a dqt date matches ?birthdate=.",
    }),
  email: z.string().nullable(),
  qtsDate: date.nullable(),
  qtsRoute: z.string().nullable().meta({ description: "How QTS was reached, e.g. InitialTeacherTraining, AssessmentOnly." }),
  eytsDate: date.nullable(),
  inductionStatus: z.string().nullable(),
  induction: z.object({ status: z.string().nullable(), startDate: date.nullable(), completedDate: date.nullable() }),
  npqs: z.array(
    z.object({
      id: z.int(),
      type: z.string(),
      name: z.string(),
      providerName: z.string().nullable(),
      status: z.string(),
      startDate: date.nullable(),
      awardedDate: date.nullable(),
    }),
  ),
  mandatoryQualifications: z.array(
    z.object({
      id: z.int(),
      specialism: z.string(),
      name: z.string(),
      providerName: z.string().nullable(),
      status: z.string(),
      startDate: date.nullable(),
      awardedDate: date.nullable(),
    }),
  ),
  initialTeacherTraining: z.array(initialTeacherTrainingSchema),
  teacherIdAccount: z
    .object({
      exists: z.boolean(),
      since: z.iso.datetime().nullable().meta({ description: "When Teacher ID bound this TRN to the account; null when there is none." }),
    })
    .meta({ description: "Whether the teacher has a Teacher ID account holding this TRN, as identity's webhooks told records." }),
});

export type TeacherResponse = z.output<typeof teacherRecordSchema>;

export const teacherQuery = z.object({
  // Optional; `?birthdate=` (empty) means not given.
  birthdate: z
    .preprocess(
      (v) => (v === "" ? undefined : v),
      z
        .string({ error: "birthdate must be a date in the format YYYY-MM-DD" })
        .refine(isIsoDate, "birthdate must be a real date in the format YYYY-MM-DD")
        .optional(),
    )
    .meta({ description: "When given (YYYY-MM-DD), the record is found only if the date of birth matches.", type: "string", format: "date" }),
});

export const getTeacher = defineOperation({
  method: "GET",
  path: "/v2/teachers/:trn",
  operationId: "getTeacher",
  tag: "Teachers",
  summary: "Read a teacher's record",
  scope: "teachers:read",
  params: trnParams,
  query: teacherQuery,
  responses: {
    200: { description: "The teacher's record.", body: teacherRecordSchema },
    ...commonProblems([400]),
    404: { problem: true, description: "10001: no teacher with this TRN (and date of birth, when given)." },
    409: { problem: true, description: "10002: more than one teacher with this TRN." },
  },
});

// An open name or date-of-birth change request: described with the change-request operations.
export { pendingDetailChangeSchema };

export const ownRecordSchema = teacherRecordSchema.extend({ pendingDetailChanges: z.array(pendingDetailChangeSchema) });

export const getOwnRecord = defineOperation({
  method: "GET",
  path: "/v3/teacher",
  operationId: "getOwnRecord",
  tag: "Teachers",
  summary: "Read the signed-in teacher's own record",
  description: "For a teacher's access token (authorization code flow) with the scope dqt:read and a trn claim.",
  scope: "dqt:read",
  tokenFor: "teacher",
  responses: {
    200: { description: "The teacher's record, with their open change requests.", body: ownRecordSchema },
    ...commonProblems(),
    403: { problem: true, description: "The token does not have dqt:read, or has no trn claim (the account is not linked to a record)." },
    404: { problem: true, description: "10001: no record for the token's TRN." },
    409: { problem: true, description: "10002: more than one teacher with this TRN." },
  },
});

/** PUT /v2/teachers/{trn}/date-of-birth-from-teacher: the date of birth a teacher gave Teacher ID when the record had none. */
export const dateOfBirthFromTeacherBody = z.object({
  dateOfBirth: z
    .string({ error: "dateOfBirth is required (YYYY-MM-DD)" })
    .refine(isIsoDate, "dateOfBirth must be a real date in the format YYYY-MM-DD")
    .refine((d) => d < todayInUk(), "dateOfBirth must be in the past"),
});

export const dateOfBirthFromTeacherResult = z.object({
  trn: trnSchema,
  dateOfBirth: date.meta({ description: "The date the record holds now: the teacher's answer, or DQT's when it has one." }),
  dateOfBirthProvenance: z.enum(dateOfBirthProvenances),
  stored: z.boolean().meta({ description: "false when the record already had a date from DQT, which a teacher's answer never replaces." }),
});

export const putDateOfBirthFromTeacher = defineOperation({
  method: "PUT",
  path: "/v2/teachers/:trn/date-of-birth-from-teacher",
  operationId: "setDateOfBirthFromTeacher",
  tag: "Teachers",
  summary: "Record the date of birth a teacher gave, when the record has none",
  description:
    "Teacher ID sends the date of birth it asked a teacher for while registering (the record had none). records keeps it as given by the teacher, not yet checked (dateOfBirthProvenance: teacher). A date DQT already holds is never replaced (stored: false). Repeating the call is safe.",
  scope: "date_of_birth:write",
  params: trnParams,
  body: dateOfBirthFromTeacherBody,
  responses: {
    200: { description: "Stored, or the record already had a date from DQT.", body: dateOfBirthFromTeacherResult },
    ...commonProblems([413, 415]),
    400: { problem: true, description: "Not valid: `errors` names each field." },
    404: { problem: true, description: "10001: no teacher with this TRN." },
    409: { problem: true, description: "10002: more than one teacher with this TRN." },
  },
});
