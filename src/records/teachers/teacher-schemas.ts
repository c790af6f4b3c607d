// GET /v2/teachers/{trn} and GET /v3/teacher: the record every reader gets (identity and access
// depend on it), as the routes give it and as records' OpenAPI document describes it.
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";
import { isIsoDate } from "../dates";
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
  dateOfBirth: date.nullable().meta({ description: "Null when DQT has none." }),
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
