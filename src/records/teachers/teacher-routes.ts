// GET /v2/teachers/{trn}?birthdate= (scope teachers:read) and GET /v3/teacher (a teacher's own
// record, with their open change requests, for a user access token with scope dqt:read and a trn claim).
// PUT /v2/teachers/{trn}/date-of-birth-from-teacher (scope date_of_birth:write): Teacher ID sends the
// date of birth a teacher gave while registering, when the record had none.
import { Elysia } from "elysia";
import { enterBearerApi, type BearerApiDoor } from "../../api-rate-limit/bearer-api";
import type { Logger } from "../../log/logger";
import { notJson, parseOperationInput } from "../../openapi/operation";
import { maskTrn } from "../api-input";
import type { RecordsDatabase } from "../db/database";
import { recordsErrorResponse } from "../api-errors";
import { createPendingChangesReader } from "../change-requests/change-requests";
import { signedInTeacher } from "../teacher-token";
import { createDateOfBirthFromTeacherRecorder } from "./teacher-date-of-birth";
import { createTeacherReader } from "./teacher-record";
import { getOwnRecord, getTeacher, putDateOfBirthFromTeacher } from "./teacher-schemas";
import { findTeacherWrongMethod } from "../matching/find-routes";

function recordResponse(lookup: ReturnType<ReturnType<typeof createTeacherReader>>): Response {
  if (lookup.found === "many") return recordsErrorResponse("multipleTeachers");
  if (lookup.found === "none") return recordsErrorResponse("teacherNotFound");
  return Response.json(lookup.record, { headers: { "cache-control": "no-store" } });
}

export function teacherRoutes(options: { db: RecordsDatabase; door: BearerApiDoor; logger: Logger }) {
  const { db, door, logger } = options;
  const readTeacher = createTeacherReader(db);
  const recordDateOfBirth = createDateOfBirthFromTeacherRecorder(db);
  const pendingChanges = createPendingChangesReader(db);
  return new Elysia({ name: "records-teachers" })
    .get(getTeacher.path, async ({ params, request, server, set }) => {
      const wrongMethod = findTeacherWrongMethod((params as Record<string, string>).trn);
      if (wrongMethod) return wrongMethod;
      const claims = await enterBearerApi(door, { request, server, set }, getTeacher.scope);
      if (claims instanceof Response) return claims;
      const parsed = parseOperationInput(getTeacher, { params, url: request.url });
      if (!parsed.ok) return parsed.response;
      return recordResponse(readTeacher(parsed.params.trn, parsed.query.birthdate));
    })
    .get(getOwnRecord.path, async ({ request, server, set }) => {
      const teacher = await signedInTeacher(door, { request, server, set });
      if (teacher instanceof Response) return teacher;
      const lookup = readTeacher(teacher.trn);
      if (lookup.found !== "one") return recordResponse(lookup);
      // Only the teacher's own record lists their change requests; GET /v2/teachers does not.
      return Response.json({ ...lookup.record, pendingDetailChanges: pendingChanges(lookup.teacher.id) }, { headers: { "cache-control": "no-store" } });
    })
    .put(putDateOfBirthFromTeacher.path, async ({ params, body, request, server, set }) => {
      const claims = await enterBearerApi(door, { request, server, set }, putDateOfBirthFromTeacher.scope);
      if (claims instanceof Response) return claims;
      const unsupported = notJson(request, "the date of birth");
      if (unsupported) return unsupported;
      const parsed = parseOperationInput(putDateOfBirthFromTeacher, { params, url: request.url, body });
      if (!parsed.ok) return parsed.response;
      const result = recordDateOfBirth(parsed.params.trn, parsed.body.dateOfBirth);
      if (!result.ok) {
        logger.info("date_of_birth_from_teacher_refused", { trn: maskTrn(parsed.params.trn), clientId: claims.client_id, error: result.error });
        return recordsErrorResponse(result.error);
      }
      const { ok: _ok, ...answer } = result;
      logger.info("date_of_birth_from_teacher", { trn: maskTrn(parsed.params.trn), clientId: claims.client_id, stored: answer.stored });
      return Response.json(answer, { headers: { "cache-control": "no-store" } });
    });
}
