// The records API's error codes, as the Qualified Teachers API used them, as problem+json.
import { problemResponse } from "../web/problem";

export const recordsErrors = {
  teacherNotFound: { errorCode: 10001, status: 404, title: "Teacher with specified TRN not found." },
  multipleTeachers: { errorCode: 10002, status: 409, title: "Multiple teachers found with specified TRN." },
  qtsDateConflict: { errorCode: 10003, status: 409, title: "Teacher already has a different QTS date." },
  noMatchingIttRecord: {
    errorCode: 10005,
    status: 400,
    title: "No ITT record for this provider can take this outcome.",
  },
  /** Ours, not the Qualified Teachers API's: change requests (POST /v3/teacher/name-changes, /date-of-birth-changes). */
  tooManyOpenChangeRequests: { errorCode: 10050, status: 409, title: "The teacher already has the most open change requests allowed." },
  /** Ours: PUT /v2/teachers/{trn}/eyts with a date other than the one recorded. */
  eytsDateConflict: { errorCode: 10052, status: 409, title: "Teacher already has a different EYTS date." },
  changeRequestUnchanged: { errorCode: 10051, status: 400, title: "The requested value is what the record already holds." },
  /** Ours: support approving or rejecting a change request already decided. */
  changeRequestClosed: { errorCode: 10053, status: 409, title: "The change request is already closed." },
} as const;

export type RecordsError = keyof typeof recordsErrors;

export function recordsErrorResponse(error: RecordsError, detail?: string, errors?: Record<string, string[]>): Response {
  return problemResponse({ ...recordsErrors[error], ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) });
}
