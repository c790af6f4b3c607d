// records' support API (scopes support:read / support:write, held only by identity's client): thin
// routes over support-service.ts. The evidence is served as a download that no browser renders in
// a page of ours: attachment, its stored type, nosniff and a CSP that allows nothing.
import { Elysia } from "elysia";
import { enterBearerApi, type BearerApiDoor } from "../../api-rate-limit/bearer-api";
import type { Logger } from "../../log/logger";
import { notJson, parseOperationInput } from "../../openapi/operation";
import { problemResponse } from "../../web/problem";
import { recordsErrorResponse } from "../api-errors";
import type { RecordsDatabase } from "../db/database";
import { maskTrn } from "../api-input";
import { changeRequestEvidenceFile, decideChangeRequest, findChangeRequest, teacherSupportSummary } from "./support-service";
import { approveChangeRequest, getChangeRequest, getChangeRequestEvidence, getTeacherSupportSummary, rejectChangeRequest } from "./support-schemas";

const json = (body: unknown) => Response.json(body, { headers: { "cache-control": "no-store" } });
const noSuchRequest = () => problemResponse({ title: "Not found", status: 404, detail: "No change request has this reference." });

/** `evidence.pdf` etc.: the stored name, made safe for the header (RFC 6266 / 5987). */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_") || "evidence";
  // RFC 5987 attr-chars only: encodeURIComponent leaves ' ( ) * ! as they are.
  const encoded = encodeURIComponent(fileName || "evidence").replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function supportRoutes(options: { db: RecordsDatabase; door: BearerApiDoor; accessUrl: string; logger: Logger; onEmailEnqueued: () => void }) {
  const { db, door, logger } = options;

  const decide = (decision: "approved" | "rejected", op: typeof approveChangeRequest) =>
    async ({ params, body, request, server, set }: { params: Record<string, string>; body: unknown; request: Request; server: any; set: any }) => {
      const claims = await enterBearerApi(door, { request, server, set }, op.scope);
      if (claims instanceof Response) return claims;
      const unsupported = notJson(request, "the decision");
      if (unsupported) return unsupported;
      const parsed = parseOperationInput(op, { params, body });
      if (!parsed.ok) return parsed.response;
      const outcome = decideChangeRequest(db, {
        reference: parsed.params.reference,
        decision,
        reason: parsed.body.reason,
        decidedBy: parsed.body.decidedBy,
        accessUrl: options.accessUrl,
      });
      if (!outcome.ok) return outcome.reason === "notFound" ? noSuchRequest() : recordsErrorResponse("changeRequestClosed");
      logger.info("change_request_decided", {
        caseReference: outcome.changeRequest.caseReference,
        decision,
        decidedBy: parsed.body.decidedBy,
        trn: maskTrn(outcome.changeRequest.trn),
        emailed: outcome.emailed,
      });
      if (outcome.emailed) options.onEmailEnqueued();
      return json(outcome.changeRequest);
    };

  return new Elysia({ name: "records-support" })
    .get(getTeacherSupportSummary.path, async ({ params, request, server, set }) => {
      const claims = await enterBearerApi(door, { request, server, set }, getTeacherSupportSummary.scope);
      if (claims instanceof Response) return claims;
      const parsed = parseOperationInput(getTeacherSupportSummary, { params });
      if (!parsed.ok) return parsed.response;
      const outcome = teacherSupportSummary(db, parsed.params.trn);
      if (outcome.found === "one") return json(outcome.summary);
      return recordsErrorResponse(outcome.found === "many" ? "multipleTeachers" : "teacherNotFound");
    })
    .get(getChangeRequest.path, async ({ params, request, server, set }) => {
      const claims = await enterBearerApi(door, { request, server, set }, getChangeRequest.scope);
      if (claims instanceof Response) return claims;
      const parsed = parseOperationInput(getChangeRequest, { params });
      if (!parsed.ok) return parsed.response;
      const found = findChangeRequest(db, parsed.params.reference);
      return found ? json(found) : noSuchRequest();
    })
    .get(getChangeRequestEvidence.path, async ({ params, request, server, set }) => {
      const claims = await enterBearerApi(door, { request, server, set }, getChangeRequestEvidence.scope);
      if (claims instanceof Response) return claims;
      const parsed = parseOperationInput(getChangeRequestEvidence, { params });
      if (!parsed.ok) return parsed.response;
      const file = changeRequestEvidenceFile(db, parsed.params.reference);
      if (!file) return noSuchRequest();
      return new Response(new Uint8Array(file.content), {
        headers: {
          "content-type": file.mediaType,
          "content-disposition": attachmentDisposition(file.fileName),
          "x-content-type-options": "nosniff",
          "content-security-policy": "default-src 'none'; sandbox",
          "cache-control": "no-store",
        },
      });
    })
    .post(approveChangeRequest.path, decide("approved", approveChangeRequest))
    .post(rejectChangeRequest.path, decide("rejected", rejectChangeRequest));
}
