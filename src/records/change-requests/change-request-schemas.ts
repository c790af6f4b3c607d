// The text fields of POST /v3/teacher/name-changes and /date-of-birth-changes (multipart/form-data;
// the evidence file is checked on its own, evidence-file.ts). The messages speak to the teacher, as
// GOV.UK error messages do: this API acts for the signed-in teacher, and access shows them as they are.
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";
import { isIsoDate, todayInUk } from "../dates";
import { evidenceFileRules } from "./evidence-file";

// Letters of any script (with their accents), spaces, hyphens, apostrophes and full stops
// (St. John). Bidi controls and every other symbol are refused: a name is shown to people.
const nameCharacters = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

function namePart(label: string, options: { required: boolean }) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `Enter your ${label.toLowerCase()}` : `${label} must be text, given once`) })
    .transform((value) => value.normalize("NFC").trim().replace(/\s+/g, " "))
    .superRefine((value, ctx) => {
      const problem =
        value === ""
          ? options.required
            ? `Enter your ${label.toLowerCase()}`
            : undefined
          : value.length > 100
            ? `${label} must be 100 characters or less`
            : nameCharacters.test(value)
              ? undefined
              : `${label} must only include letters, spaces, hyphens, apostrophes and full stops`;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .transform((value) => (value === "" ? null : value));
}

export const nameChangeFields = z.object({
  firstName: namePart("First name", { required: true }).pipe(z.string()),
  // Optional (a form may leave it out): documented as such, read as "".
  middleName: z
    .string({ error: "Middle names must be text, given once" })
    .optional()
    .transform((value) => value ?? "")
    .pipe(namePart("Middle names", { required: false })),
  lastName: namePart("Last name", { required: true }).pipe(z.string()),
});

export const dateOfBirthChangeFields = z.object({
  dateOfBirth: z
    .string({ error: "Enter your date of birth (YYYY-MM-DD)" })
    .trim()
    .superRefine((value, ctx) => {
      const problem = !isIsoDate(value)
        ? "Date of birth must be a real date in the format YYYY-MM-DD"
        : value > todayInUk()
          ? "Date of birth must be in the past"
          : value < "1900-01-01"
            ? "Date of birth must be 1900 or later"
            : undefined;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});

// The operations, for the routes (their paths) and the OpenAPI document. A form's component is the
// fields' schema the route parses with, plus the evidence file (checked by evidence-file.ts: by its
// bytes, whatever type the client gives it).
/** An open name or date-of-birth change request: what the POSTs answer, and GET /v3/teacher lists. */
export const pendingDetailChangeSchema = z.object({
  caseReference: z.string().meta({ description: "e.g. CASE-7Q4M2K" }),
  type: z.enum(["name", "dateOfBirth"]),
  requested: z.union([
    z.object({ firstName: z.string(), middleName: z.string().nullable(), lastName: z.string() }),
    z.object({ dateOfBirth: z.iso.date() }),
  ]),
  createdUtc: z.string(),
});

const evidenceFile = z
  .file()
  .mime(["application/pdf", "image/jpeg", "image/png"])
  .max(evidenceFileRules.maxBytes)
  .meta({ description: "One file: a PDF, JPG or PNG (its type is read from its bytes), at most 10 MB." });

export const nameChangeForm = nameChangeFields.extend({ evidence: evidenceFile });
export const dateOfBirthChangeForm = dateOfBirthChangeFields.extend({ evidence: evidenceFile });

function changeRequestOperation(path: string, operationId: string, summary: string, form: z.ZodObject) {
  return defineOperation({
    method: "POST",
    path,
    operationId,
    tag: "Change requests",
    summary,
    description:
      "For a teacher's access token (authorization code flow) with the scope dqt:read and a trn claim. The request is opened, " +
      "its evidence kept, and the teacher emailed the case reference. A teacher may have 3 open requests.",
    scope: "dqt:read",
    tokenFor: "teacher",
    body: form,
    bodyType: "multipart/form-data",
    responses: {
      201: { description: "The request is open: its case reference and what was asked for.", body: pendingDetailChangeSchema },
      ...commonProblems([400, 404, 413, 415]),
      400: { problem: true, description: "A field or the evidence is not valid (`errors` names each), or 10051: the record already holds this value." },
      403: { problem: true, description: "The token does not have dqt:read, or has no trn claim (the account is not linked to a record)." },
      404: { problem: true, description: "10001: no record for the token's TRN." },
      409: { problem: true, description: "10050: the teacher already has 3 open change requests; or 10002: more than one record has the TRN." },
      413: {
        problem: true,
        description: "The request body is larger than the evidence limit (10 MB) allows; far past it, the server answers 413 with no body before the API runs.",
      },
      415: { problem: true, description: "The request is not multipart/form-data." },
    },
  });
}

export const postNameChange = changeRequestOperation("/v3/teacher/name-changes", "requestNameChange", "Ask for the name on the signed-in teacher's record to be corrected", nameChangeForm);
export const postDateOfBirthChange = changeRequestOperation(
  "/v3/teacher/date-of-birth-changes",
  "requestDateOfBirthChange",
  "Ask for the date of birth on the signed-in teacher's record to be corrected",
  dateOfBirthChangeForm,
);
