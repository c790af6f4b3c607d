// The staff-facing API identity's support console calls (scopes support:read and support:write,
// held only by identity's internal client): a teacher's open change requests and invitations, one
// change request with its evidence, and deciding it. Defined once here; the routes parse with these
// schemas and records' OpenAPI document lists them.
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";
import { trnParams, trnSchema } from "../itt-outcome/itt-outcome-schemas";
import { pendingDetailChangeSchema } from "../teachers/teacher-schemas";
import { caseReferencePattern } from "../change-requests/case-reference";
import { bidiControlMessage, hasBidiControl } from "../../text/names";

export const supportReadScope = "support:read";
export const supportWriteScope = "support:write";

/** The media types evidence is stored as (found in the file's bytes when it was sent). */
export const evidenceMediaTypes = ["application/pdf", "image/jpeg", "image/png"] as const;

export const caseReferenceParams = z.object({
  reference: z.string().regex(caseReferencePattern, "must be a case reference such as CASE-7Q4M2K").meta({ examples: ["CASE-7Q4M2K"] }),
});

export const invitationSchema = z.object({
  award: z.enum(["qts", "eyts", "induction"]),
  reason: z.string().nullable().meta({ description: "Why it was sent, e.g. itt-outcome-pass, import-qts-date." }),
  email: z.string(),
  status: z.enum(["pending", "sent", "failed"]),
  accountExists: z.boolean().nullable().meta({ description: "identity said an account already held the TRN (a sign-in link was sent); null until known." }),
  createdUtc: z.iso.datetime(),
  sentUtc: z.iso.datetime().nullable(),
});

export const teacherSupportSummarySchema = z.object({
  trn: trnSchema,
  name: z.string(),
  email: z.string().nullable().meta({ description: "The email address on the record." }),
  openChangeRequests: z.array(pendingDetailChangeSchema),
  invitations: z.array(invitationSchema),
});

export const changeRequestDetailSchema = z.object({
  caseReference: z.string(),
  type: z.enum(["name", "dateOfBirth"]),
  status: z.enum(["open", "approved", "rejected"]),
  trn: trnSchema,
  requested: pendingDetailChangeSchema.shape.requested,
  current: z.object({ firstName: z.string(), middleName: z.string().nullable(), lastName: z.string(), dateOfBirth: z.iso.date().nullable() }),
  requestedBy: z.string().meta({ description: "identity's sub of the account that asked." }),
  createdUtc: z.iso.datetime(),
  closedUtc: z.iso.datetime().nullable(),
  decidedBy: z.string().nullable(),
  decisionReason: z.string().nullable(),
  evidence: z.object({
    fileName: z.string(),
    mediaType: z.string(),
    size: z.int(),
    sha256: z.string(),
  }),
});

export const changeRequestDecisionBody = z.object({
  reason: z
    .string({ error: "reason is required" })
    .trim()
    .min(1, "reason is required")
    .max(1000, "reason must be 1000 characters or fewer")
    .refine((v) => !hasBidiControl(v), `reason ${bidiControlMessage}`),
  decidedBy: z
    .string({ error: "decidedBy is required" })
    .regex(/^staff:[A-Za-z0-9_.:@-]{1,100}$/, "decidedBy must be staff:<id>")
    .meta({ description: "The staff member who decided, as identity's audit log names them (staff:<id>)." }),
});

export const getTeacherSupportSummary = defineOperation({
  method: "GET",
  path: "/v2/support/teachers/:trn",
  operationId: "getTeacherSupportSummary",
  tag: "Support",
  summary: "A teacher's open change requests and invitations (support)",
  scope: supportReadScope,
  params: trnParams,
  responses: {
    200: { description: "Open change requests, oldest first, and every invitation sent for this TRN.", body: teacherSupportSummarySchema },
    ...commonProblems([400]),
    404: { problem: true, description: "10001: no teacher with this TRN." },
    409: { problem: true, description: "10002: more than one teacher with this TRN." },
  },
});

export const getChangeRequest = defineOperation({
  method: "GET",
  path: "/v2/support/change-requests/:reference",
  operationId: "getChangeRequest",
  tag: "Support",
  summary: "One change request with its evidence's metadata (support)",
  scope: supportReadScope,
  params: caseReferenceParams,
  responses: {
    200: { description: "The change request, the record's current values and the evidence's name, type, size and SHA-256.", body: changeRequestDetailSchema },
    ...commonProblems([400]),
    404: { problem: true, description: "No change request has this reference." },
  },
});

export const getChangeRequestEvidence = defineOperation({
  method: "GET",
  path: "/v2/support/change-requests/:reference/evidence",
  operationId: "getChangeRequestEvidence",
  tag: "Support",
  summary: "Download a change request's evidence file (support)",
  description:
    "The stored bytes with their stored media type, as an attachment (Content-Disposition: attachment), with X-Content-Type-Options: nosniff and Content-Security-Policy: default-src 'none'; sandbox.",
  scope: supportReadScope,
  params: caseReferenceParams,
  responses: {
    200: { description: "The evidence file.", file: evidenceMediaTypes },
    ...commonProblems([400]),
    404: { problem: true, description: "No change request has this reference." },
  },
});

const decisionResponses = {
  200: { description: "The change request as it now is.", body: changeRequestDetailSchema },
  ...commonProblems([400, 415]),
  404: { problem: true, description: "No change request has this reference." },
  409: { problem: true, description: "10053: the change request is already closed (approved or rejected). Nothing was changed." },
};

export const approveChangeRequest = defineOperation({
  method: "POST",
  path: "/v2/support/change-requests/:reference/approve",
  operationId: "approveChangeRequest",
  tag: "Support",
  summary: "Approve a change request: the record takes the requested name or date of birth (support)",
  description: "The record, the request's status and the email telling the teacher are one transaction.",
  scope: supportWriteScope,
  params: caseReferenceParams,
  body: changeRequestDecisionBody,
  responses: decisionResponses,
});

export const rejectChangeRequest = defineOperation({
  method: "POST",
  path: "/v2/support/change-requests/:reference/reject",
  operationId: "rejectChangeRequest",
  tag: "Support",
  summary: "Reject a change request with a reason the teacher is told (support)",
  scope: supportWriteScope,
  params: caseReferenceParams,
  body: changeRequestDecisionBody,
  responses: decisionResponses,
});

export type TeacherSupportSummary = z.output<typeof teacherSupportSummarySchema>;
export type ChangeRequestDetail = z.output<typeof changeRequestDetailSchema>;
export type Invitation = z.output<typeof invitationSchema>;
