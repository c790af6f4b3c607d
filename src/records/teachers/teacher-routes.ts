// GET /v2/teachers/{trn}?birthdate= (scope teachers:read) and GET /v3/teacher (a teacher's own
// record, with their open change requests, for a user access token with scope dqt:read and a trn claim).
import { Elysia } from "elysia";
import { enterBearerApi, type BearerApiDoor } from "../../api-rate-limit/bearer-api";
import { parseOperationInput } from "../../openapi/operation";
import type { RecordsDatabase } from "../db/database";
import { recordsErrorResponse } from "../api-errors";
import { createPendingChangesReader } from "../change-requests/change-requests";
import { signedInTeacher } from "../teacher-token";
import { createTeacherReader } from "./teacher-record";
import { getOwnRecord, getTeacher } from "./teacher-schemas";
import { findTeacherWrongMethod } from "../matching/find-routes";

function recordResponse(lookup: ReturnType<ReturnType<typeof createTeacherReader>>): Response {
  if (lookup.found === "many") return recordsErrorResponse("multipleTeachers");
  if (lookup.found === "none") return recordsErrorResponse("teacherNotFound");
  return Response.json(lookup.record, { headers: { "cache-control": "no-store" } });
}

export function teacherRoutes(options: { db: RecordsDatabase; door: BearerApiDoor }) {
  const { db, door } = options;
  const readTeacher = createTeacherReader(db);
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
    });
}
