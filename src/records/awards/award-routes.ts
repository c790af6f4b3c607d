// PUT /v2/teachers/{trn}/qts and /eyts (scope qts:write), PUT /v2/teachers/{trn}/induction (scope
// induction:write). Each is idempotent: the same call again gives the same answer and no second email.
import { Elysia } from "elysia";
import type { z } from "zod";
import { enterBearerApi, type BearerApiDoor, type BearerApiRequest } from "../../api-rate-limit/bearer-api";
import type { Logger } from "../../log/logger";
import { notJson, parseOperationInput, type ApiOperation } from "../../openapi/operation";
import type { RecordsDatabase } from "../db/database";
import { recordsErrorResponse } from "../api-errors";
import { maskTrn } from "../api-input";
import { trnParams } from "../itt-outcome/itt-outcome-schemas";
import { putEyts, putInduction, putQts } from "./award-schemas";
import { createAwardRecorder, type AwardResult } from "./record-awards";

export interface AwardRoutesOptions {
  db: RecordsDatabase;
  /** The bearer token check and the per-client rate limit. */
  door: BearerApiDoor;
  logger: Logger;
  /** Called after an invitation was committed to the outbox (wakes the worker). */
  onInvitationEnqueued: () => void;
}

export function awardRoutes(options: AwardRoutesOptions) {
  const { db, door, logger } = options;
  const record = createAwardRecorder(db);

  /** One award endpoint: token, JSON, trn and body checked (the operation's schemas), then the recorder's answer. */
  const endpoint =
    <B extends z.ZodType, T extends object>(award: string, operation: ApiOperation<typeof trnParams, z.ZodObject | undefined, B>, apply: (trn: string, body: z.output<B>) => AwardResult<T>) =>
    async ({ params, body, request, server, set }: BearerApiRequest & { params: Record<string, string>; body: unknown }) => {
      const claims = await enterBearerApi(door, { request, server, set }, operation.scope);
      if (claims instanceof Response) return claims;
      const unsupported = notJson(request, `the ${award}`);
      if (unsupported) return unsupported;
      const parsed = parseOperationInput(operation, { params, url: request.url, body });
      if (!parsed.ok) return parsed.response;
      const trnValue = parsed.params!.trn;
      const result = apply(trnValue, parsed.body as z.output<B>);
      const trn = maskTrn(trnValue);
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
    .put(putQts.path, endpoint("QTS", putQts, (trn, body) => record.qts(trn, body)))
    .put(putEyts.path, endpoint("EYTS", putEyts, (trn, body) => record.eyts(trn, body)))
    .put(putInduction.path, endpoint("induction", putInduction, (trn, body) => record.induction(trn, body)));
}
