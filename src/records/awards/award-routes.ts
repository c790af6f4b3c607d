// PUT /v2/teachers/{trn}/qts and /eyts (scope qts:write), PUT /v2/teachers/{trn}/induction (scope
// induction:write). Each is idempotent: the same call again gives the same answer and no second email.
import { Elysia } from "elysia";
import { z } from "zod";
import type { AccessTokenVerifier } from "../../auth/verify-access-token";
import type { Logger } from "../../log/logger";
import type { RecordsDatabase } from "../db/database";
import { recordsErrorResponse } from "../api-errors";
import { isJsonBody, maskTrn, parseRequestParts } from "../api-input";
import { problemResponse } from "../../web/problem";
import { trnSchema } from "../itt-outcome/itt-outcome-schemas";
import { eytsBody, inductionBody, qtsBody } from "./award-schemas";
import { createAwardRecorder, type AwardResult } from "./record-awards";

export interface AwardRoutesOptions {
  db: RecordsDatabase;
  verifier: AccessTokenVerifier;
  logger: Logger;
  /** Called after an invitation was committed to the outbox (wakes the worker). */
  onInvitationEnqueued: () => void;
}

const bodyObject = z.custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
  message: "The body must be a JSON object (Content-Type: application/json).",
});

export function awardRoutes(options: AwardRoutesOptions) {
  const { db, verifier, logger } = options;
  const record = createAwardRecorder(db);

  /** One award endpoint: token, JSON, trn and body checked, then the recorder's answer. */
  const endpoint =
    <S extends z.ZodType<unknown, Record<string, unknown>>, T extends object>(award: string, scope: string, schema: S, apply: (trn: string, body: z.output<S>) => AwardResult<T>) =>
    async ({ params, body, request }: { params: { trn: string }; body: unknown; request: Request }) => {
      const claims = await verifier.verify(request.headers.get("authorization"), scope);
      if (claims instanceof Response) return claims;
      if (!isJsonBody(request)) {
        return problemResponse({ title: "Unsupported media type", status: 415, detail: "Send the body as application/json." });
      }
      const parsed = parseRequestParts({ trn: [trnSchema, params.trn], body: [bodyObject.pipe(schema), body ?? null] });
      if (!parsed.ok) return parsed.response;
      const result = apply(parsed.value.trn, parsed.value.body as z.output<S>);
      const trn = maskTrn(parsed.value.trn);
      if (!result.ok) {
        logger.info("award_refused", { award, trn, clientId: claims.client_id, error: result.error });
        return recordsErrorResponse(result.error);
      }
      const { ok: _ok, invitation, ...answer } = result;
      if (invitation === "enqueued") options.onInvitationEnqueued();
      logger.info("award_recorded", { award, trn, clientId: claims.client_id, invitation });
      return Response.json(answer, { headers: { "cache-control": "no-store" } });
    };

  return new Elysia({ name: "records-awards" })
    .put("/v2/teachers/:trn/qts", endpoint("qts", "qts:write", qtsBody, (trn, body) => record.qts(trn, body)))
    .put("/v2/teachers/:trn/eyts", endpoint("eyts", "qts:write", eytsBody, (trn, body) => record.eyts(trn, body)))
    .put("/v2/teachers/:trn/induction", endpoint("induction", "induction:write", inductionBody, (trn, body) => record.induction(trn, body)));
}
