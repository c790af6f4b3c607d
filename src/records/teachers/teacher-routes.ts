// GET /v2/teachers/{trn}?birthdate= (scope teachers:read) and GET /v3/teacher (a teacher's own
// record, with their open change requests, for a user access token with scope dqt:read and a trn claim).
import { Elysia } from "elysia";
import { z } from "zod";
import type { AccessTokenVerifier } from "../../auth/verify-access-token";
import type { RecordsDatabase } from "../db/database";
import { recordsErrorResponse } from "../api-errors";
import { parseRequestParts, singleValuedQuery } from "../api-input";
import { isIsoDate } from "../dates";
import { trnSchema } from "../itt-outcome/itt-outcome-schemas";
import { createPendingChangesReader } from "../change-requests/change-requests";
import { signedInTeacher } from "../teacher-token";
import { createTeacherReader } from "./teacher-record";

const teacherQuery = z.object({
  // Optional; `?birthdate=` (empty) means not given.
  birthdate: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string({ error: "birthdate must be a date in the format YYYY-MM-DD" }).refine(isIsoDate, "birthdate must be a real date in the format YYYY-MM-DD").optional(),
  ),
});

function recordResponse(lookup: ReturnType<ReturnType<typeof createTeacherReader>>): Response {
  if (lookup.found === "many") return recordsErrorResponse("multipleTeachers");
  if (lookup.found === "none") return recordsErrorResponse("teacherNotFound");
  return Response.json(lookup.record, { headers: { "cache-control": "no-store" } });
}

export function teacherRoutes(options: { db: RecordsDatabase; verifier: AccessTokenVerifier }) {
  const { db, verifier } = options;
  const readTeacher = createTeacherReader(db);
  const pendingChanges = createPendingChangesReader(db);
  return new Elysia({ name: "records-teachers" })
    .get("/v2/teachers/:trn", async ({ params, request }) => {
      const claims = await verifier.verify(request.headers.get("authorization"), "teachers:read");
      if (claims instanceof Response) return claims;
      const query = singleValuedQuery(request);
      if (!query.ok) return query.response;
      const parsed = parseRequestParts({ trn: [trnSchema, params.trn], query: [teacherQuery, query.value] });
      if (!parsed.ok) return parsed.response;
      return recordResponse(readTeacher(parsed.value.trn, parsed.value.query.birthdate));
    })
    .get("/v3/teacher", async ({ request }) => {
      const teacher = await signedInTeacher(verifier, request);
      if (teacher instanceof Response) return teacher;
      const lookup = readTeacher(teacher.trn);
      if (lookup.found !== "one") return recordResponse(lookup);
      // Only the teacher's own record lists their change requests; GET /v2/teachers does not.
      return Response.json({ ...lookup.record, pendingDetailChanges: pendingChanges(lookup.teacher.id) }, { headers: { "cache-control": "no-store" } });
    });
}
