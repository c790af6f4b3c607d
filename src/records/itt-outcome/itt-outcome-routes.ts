// PUT /v2/teachers/{trn}/itt-outcome?birthdate=YYYY-MM-DD (scope itt_outcome:write). PUT is the
// canonical method; POST is the same operation (clients told to "POST an outcome" get the same
// answers, the same idempotence and the same single email).
import { Elysia } from "elysia";
import { z } from "zod";
import type { AccessTokenVerifier } from "../../auth/verify-access-token";
import type { Logger } from "../../log/logger";
import type { RecordsDatabase } from "../db/database";
import { recordsErrorResponse } from "../api-errors";
import { isJsonBody, maskTrn, parseRequestParts, singleValuedQuery } from "../api-input";
import { problemResponse } from "../../web/problem";
import { ittOutcomeBody, ittOutcomeQuery, trnSchema } from "./itt-outcome-schemas";
import { createIttOutcomeRecorder } from "./record-itt-outcome";

export interface IttOutcomeRoutesOptions {
  db: RecordsDatabase;
  verifier: AccessTokenVerifier;
  logger: Logger;
  /** Called after an invitation was committed to the outbox (wakes the worker). */
  onInvitationEnqueued: () => void;
}

const bodyObject = z.custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), {
  message: "The body must be a JSON object (Content-Type: application/json).",
});

export function ittOutcomeRoutes(options: IttOutcomeRoutesOptions) {
  const { db, verifier, logger } = options;
  const recordIttOutcome = createIttOutcomeRecorder(db);
  const recordOutcome = async ({ params, body, request }: { params: { trn: string }; body: unknown; request: Request }) => {
    const claims = await verifier.verify(request.headers.get("authorization"), "itt_outcome:write");
    if (claims instanceof Response) return claims;
    if (!isJsonBody(request)) {
      return problemResponse({ title: "Unsupported media type", status: 415, detail: "Send the outcome as application/json." });
    }
    const query = singleValuedQuery(request);
    if (!query.ok) return query.response;
    const parsed = parseRequestParts({
      trn: [trnSchema, params.trn],
      query: [ittOutcomeQuery, query.value],
      body: [bodyObject.pipe(ittOutcomeBody), body ?? null],
    });
    if (!parsed.ok) return parsed.response;
    const { trn, query: q, body: b } = parsed.value;
    const result = recordIttOutcome({
      trn,
      birthdate: q.birthdate,
      ittProviderUkprn: b.ittProviderUkprn,
      outcome: b.outcome,
      assessmentDate: b.assessmentDate,
    });
    if (!result.ok) {
      logger.info("itt_outcome_refused", { trn: maskTrn(trn), clientId: claims.client_id, outcome: b.outcome, error: result.error });
      return recordsErrorResponse(result.error);
    }
    if (result.invitation === "enqueued") options.onInvitationEnqueued();
    if (result.invitation === "skipped_no_email") {
      logger.info("invitation_skipped_no_email", { trn: maskTrn(trn), clientId: claims.client_id });
    }
    logger.info("itt_outcome_recorded", {
      trn: maskTrn(trn),
      clientId: claims.client_id,
      outcome: b.outcome,
      invitation: result.invitation,
    });
    return Response.json({ trn: result.trn, qtsDate: result.qtsDate }, { headers: { "cache-control": "no-store" } });
  };
  return new Elysia({ name: "records-itt-outcome" })
    .put("/v2/teachers/:trn/itt-outcome", recordOutcome)
    .post("/v2/teachers/:trn/itt-outcome", recordOutcome);
}
