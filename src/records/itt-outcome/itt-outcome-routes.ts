// PUT /v2/teachers/{trn}/itt-outcome?birthdate=YYYY-MM-DD (scope itt_outcome:write). PUT is the
// canonical method; POST is the same operation (clients told to "POST an outcome" get the same
// answers, the same idempotence and the same single email).
import { Elysia } from "elysia";
import { enterBearerApi, type BearerApiDoor, type BearerApiRequest } from "../../api-rate-limit/bearer-api";
import type { Logger } from "../../log/logger";
import { notJson, parseOperationInput } from "../../openapi/operation";
import type { RecordsDatabase } from "../db/database";
import { recordsErrorResponse } from "../api-errors";
import { maskTrn } from "../api-input";
import { putIttOutcome, type IttOutcomeResult } from "./itt-outcome-schemas";
import { createIttOutcomeRecorder } from "./record-itt-outcome";

export interface IttOutcomeRoutesOptions {
  db: RecordsDatabase;
  /** The bearer token check and the per-client rate limit. */
  door: BearerApiDoor;
  logger: Logger;
  /** Called after an invitation was committed to the outbox (wakes the worker). */
  onInvitationEnqueued: () => void;
}

export function ittOutcomeRoutes(options: IttOutcomeRoutesOptions) {
  const { db, door, logger } = options;
  const recordIttOutcome = createIttOutcomeRecorder(db);
  const recordOutcome = async ({ params, body, request, server, set }: BearerApiRequest & { params: Record<string, string>; body: unknown }) => {
    const claims = await enterBearerApi(door, { request, server, set }, putIttOutcome.scope);
    if (claims instanceof Response) return claims;
    const unsupported = notJson(request, "the outcome");
    if (unsupported) return unsupported;
    const parsed = parseOperationInput(putIttOutcome, { params, url: request.url, body });
    if (!parsed.ok) return parsed.response;
    const { params: { trn }, query: q, body: b } = parsed;
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
    const answer: IttOutcomeResult = { trn: result.trn, qtsDate: result.qtsDate };
    return Response.json(answer, { headers: { "cache-control": "no-store" } });
  };
  return new Elysia({ name: "records-itt-outcome" }).put(putIttOutcome.path, recordOutcome).post(putIttOutcome.path, recordOutcome);
}
