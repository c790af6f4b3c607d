// records' OpenAPI 3.1 document (/openapi.json, /docs), made from the schemas its routes parse with.
import { openApiDocument } from "../openapi/openapi-document";
import { ittOutcomeBody, ittOutcomeResult, putIttOutcome } from "./itt-outcome/itt-outcome-schemas";
import { getOwnRecord, getTeacher, initialTeacherTrainingSchema, ownRecordSchema, pendingDetailChangeSchema, teacherRecordSchema } from "./teachers/teacher-schemas";

export function recordsApiDocument(urls: { records: string; identity: string }) {
  return openApiDocument({
    title: "Qualified Teachers API",
    version: "2",
    description:
      "Teacher records (DQT): awarding services record ITT outcomes and QTS; services read a teacher's record; a signed-in teacher reads their own.",
    serverUrl: urls.records,
    identityUrl: urls.identity,
    scopes: {
      "itt_outcome:write": "Record ITT outcomes (awarding services).",
      "teachers:read": "Read any teacher's record.",
      "dqt:read": "A signed-in teacher reads their own record.",
    },
    components: {
      IttOutcome: ittOutcomeBody,
      IttOutcomeResult: ittOutcomeResult,
      TeacherRecord: teacherRecordSchema,
      OwnTeacherRecord: ownRecordSchema,
      PendingDetailChange: pendingDetailChangeSchema,
      InitialTeacherTraining: initialTeacherTrainingSchema,
    },
    operations: [putIttOutcome, getTeacher, getOwnRecord],
  });
}
