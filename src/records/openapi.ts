// records' OpenAPI 3.1 document (/openapi.json, /docs), made from the schemas its routes parse with.
import { openApiDocument } from "../openapi/openapi-document";
import { ittOutcomeBody, ittOutcomeResult, putIttOutcome } from "./itt-outcome/itt-outcome-schemas";
import { eytsBody, eytsResult, inductionBody, inductionResult, putEyts, putInduction, putQts, qtsBody, qtsResult } from "./awards/award-schemas";
import { findTeacher, findTeacherBody, findTeacherResult } from "./matching/find-schemas";
import { dateOfBirthChangeForm, nameChangeForm, postDateOfBirthChange, postNameChange } from "./change-requests/change-request-schemas";
import {
  approveChangeRequest,
  changeRequestDecisionBody,
  changeRequestDetailSchema,
  getChangeRequest,
  getChangeRequestEvidence,
  getTeacherSupportSummary,
  invitationSchema,
  rejectChangeRequest,
  teacherSupportSummarySchema,
} from "./support/support-schemas";
import {
  dateOfBirthFromTeacherBody,
  dateOfBirthFromTeacherResult,
  getOwnRecord,
  getTeacher,
  initialTeacherTrainingSchema,
  ownRecordSchema,
  pendingDetailChangeSchema,
  putDateOfBirthFromTeacher,
  teacherRecordSchema,
} from "./teachers/teacher-schemas";

export function recordsApiDocument(urls: { records: string; identity: string }) {
  return openApiDocument({
    title: "Qualified Teachers API",
    version: "2",
    description:
      "Teacher records (DQT): awarding services record ITT outcomes and QTS; services read a teacher's record; a signed-in teacher reads their own and asks for corrections to it.",
    serverUrl: urls.records,
    identityUrl: urls.identity,
    scopes: {
      "itt_outcome:write": "Record ITT outcomes (awarding services).",
      "qts:write": "Record QTS by another route, and EYTS (awarding services).",
      "induction:write": "Record a teacher's induction (appropriate bodies).",
      "teachers:read": "Read any teacher's record.",
      "dqt:read": "A signed-in teacher reads their own record.",
      "support:read": "Support staff (through Teacher ID's console) read a teacher's open change requests, invitations and evidence.",
      "support:write": "Support staff (through Teacher ID's console) approve or reject change requests.",
      "date_of_birth:write": "Record the date of birth a teacher gave Teacher ID when their record had none (Teacher ID only).",
      "teachers:match": "Find a teacher's TRN from what they say about themselves (Teacher ID only).",
    },
    components: {
      IttOutcome: ittOutcomeBody,
      IttOutcomeResult: ittOutcomeResult,
      TeacherRecord: teacherRecordSchema,
      OwnTeacherRecord: ownRecordSchema,
      PendingDetailChange: pendingDetailChangeSchema,
      QtsAward: qtsBody,
      QtsAwardResult: qtsResult,
      EytsAward: eytsBody,
      EytsAwardResult: eytsResult,
      Induction: inductionBody,
      InductionResult: inductionResult,
      InitialTeacherTraining: initialTeacherTrainingSchema,
      TeacherSupportSummary: teacherSupportSummarySchema,
      Invitation: invitationSchema,
      ChangeRequest: changeRequestDetailSchema,
      ChangeRequestDecision: changeRequestDecisionBody,
      DateOfBirthFromTeacher: dateOfBirthFromTeacherBody,
      DateOfBirthFromTeacherResult: dateOfBirthFromTeacherResult,
      NameChangeRequest: nameChangeForm,
      FindTeacher: findTeacherBody,
      FindTeacherResult: findTeacherResult,
      DateOfBirthChangeRequest: dateOfBirthChangeForm,
    },
    operations: [
      postNameChange,
      postDateOfBirthChange,
      putIttOutcome,
      putQts,
      putEyts,
      putInduction,
      getTeacher,
      getOwnRecord,
      findTeacher,
      putDateOfBirthFromTeacher,
      getTeacherSupportSummary,
      getChangeRequest,
      getChangeRequestEvidence,
      approveChangeRequest,
      rejectChangeRequest,
    ],
  });
}
