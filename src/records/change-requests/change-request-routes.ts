// POST /v3/teacher/name-changes and POST /v3/teacher/date-of-birth-changes: the signed-in teacher
// (a user token with dqt:read and a trn claim) asks for a correction to their record, with one
// evidence file, as multipart/form-data. 201 with the case reference; the teacher is emailed.
import { Elysia } from "elysia";
import type { z } from "zod";
import type { BearerApiDoor, BearerApiRequest } from "../../api-rate-limit/bearer-api";
import type { Logger } from "../../log/logger";
import { fieldErrors, problemResponse } from "../../web/problem";
import { maskTrn } from "../api-input";
import { recordsErrorResponse } from "../api-errors";
import type { RecordsDatabase } from "../db/database";
import { signedInTeacher } from "../teacher-token";
import { dateOfBirthChangeFields, nameChangeFields, postDateOfBirthChange, postNameChange } from "./change-request-schemas";
import { createChangeRequest, maxOpenChangeRequests, type RequestedValues } from "./change-requests";
import { checkUploadedFile, evidenceFileRules, type UploadProblem } from "./evidence-file";

// As GOV.UK's file upload pattern words them. The type is read from the file's bytes.
const evidenceMessages: Record<UploadProblem, string> = {
  missing: "Select a file to upload as evidence",
  several: "Select only one file",
  empty: "The selected file is empty",
  too_large: `The selected file must be smaller than ${evidenceFileRules.maxBytes / (1024 * 1024)}MB`,
  wrong_type: "The selected file must be a PDF, JPG or PNG",
};

function isMultipart(request: Request): boolean {
  return (request.headers.get("content-type") ?? "").trim().toLowerCase().startsWith("multipart/form-data");
}

export function changeRequestRoutes(options: {
  db: RecordsDatabase;
  /** The bearer token check and the per-client rate limit. */
  door: BearerApiDoor;
  accessUrl: string;
  logger: Logger;
  /** Called once a confirmation email is in the outbox, so the worker sends it now. */
  onEmailEnqueued: () => void;
}) {
  const { db, door, logger } = options;

  async function handle<S extends z.ZodType>(
    context: BearerApiRequest,
    body: unknown,
    fields: S,
    requested: (value: z.output<S>) => RequestedValues,
  ): Promise<Response> {
    const { request } = context;
    const teacher = await signedInTeacher(door, context);
    if (teacher instanceof Response) return teacher;
    if (!isMultipart(request)) {
      return problemResponse({
        title: "Unsupported media type",
        status: 415,
        detail: "Send the request as multipart/form-data, with the evidence file in the field 'evidence'.",
      });
    }
    const form = (body ?? {}) as Record<string, unknown>;
    const parsed = fields.safeParse(form);
    const evidence = await checkUploadedFile(form.evidence, evidenceFileRules);
    const errors = parsed.success ? {} : fieldErrors(parsed.error);
    if (!evidence.ok) errors.evidence = [evidenceMessages[evidence.problem]];
    if (!parsed.success || !evidence.ok) {
      return problemResponse({ title: "One or more validation errors occurred.", status: 400, errors });
    }

    const values = requested(parsed.data);
    const result = createChangeRequest(db, {
      trn: teacher.trn,
      requestedBy: teacher.sub,
      requested: values,
      evidence: evidence.file,
      accessUrl: options.accessUrl,
    });
    if (!result.ok) {
      if (result.reason === "teacherNotFound" || result.reason === "multipleTeachers") return recordsErrorResponse(result.reason);
      if (result.reason === "unchanged") {
        const field = "dateOfBirth" in values ? "dateOfBirth" : "name";
        return recordsErrorResponse("changeRequestUnchanged", undefined, {
          [field]: [field === "name" ? "The name you entered is already the name on your record" : "The date you entered is already the date of birth on your record"],
        });
      }
      return recordsErrorResponse("tooManyOpenChangeRequests", undefined, {
        changeRequests: [`You already have ${maxOpenChangeRequests} open requests. You can ask for another change once we have dealt with one of them`],
      });
    }
    logger.info("change_request_created", {
      caseReference: result.change.caseReference,
      type: result.change.type,
      trn: maskTrn(teacher.trn),
      evidenceType: evidence.file.type.ext,
      evidenceBytes: evidence.file.bytes.byteLength,
      emailed: result.emailed,
    });
    if (result.emailed) options.onEmailEnqueued();
    return Response.json(result.change, { status: 201, headers: { "cache-control": "no-store" } });
  }

  return new Elysia({ name: "records-change-requests" })
    .post(postNameChange.path, ({ request, server, set, body }) =>
      handle({ request, server, set }, body, nameChangeFields, (v) => ({ firstName: v.firstName, middleName: v.middleName, lastName: v.lastName })),
    )
    .post(postDateOfBirthChange.path, ({ request, server, set, body }) =>
      handle({ request, server, set }, body, dateOfBirthChangeFields, (v) => ({ dateOfBirth: v.dateOfBirth })),
    );
}
