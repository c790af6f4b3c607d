// identity -> records: the date of birth a teacher gave while registering, when their record had
// none. Enqueued in the transaction that creates the account (identity's outbox), so it reaches
// records even if records is down then: the worker retries with backoff (OUTBOX_MAX_AGE). records
// keeps it as given by the teacher, not yet checked, and never puts it over a date from DQT.
// PUT {records}/v2/teachers/{trn}/date-of-birth-from-teacher with identity's client credentials
// (scope date_of_birth:write).
import { authorizedFetch } from "../../auth/authorized-fetch";
import type { TokenSource } from "../../auth/client-credentials";
import type { Logger } from "../../log/logger";
import { enqueueMessage } from "../../outbox/enqueue";
import { PermanentFailure, type OutboxHandler } from "../../outbox/worker";
import type { IdentityDb } from "../db/database";

export const dateOfBirthToRecordsKind = "records-date-of-birth";

interface Payload {
  trn: string;
  /** yyyy-mm-dd */
  dateOfBirth: string;
}

/** Call inside the account's transaction. One per account: a repeat is a no-op. */
export function enqueueDateOfBirthForRecords(tx: IdentityDb, input: Payload & { accountId: string }, now = Date.now()): void {
  enqueueMessage(
    tx,
    { kind: dateOfBirthToRecordsKind, payload: { trn: input.trn, dateOfBirth: input.dateOfBirth } satisfies Payload, dedupeKey: `${dateOfBirthToRecordsKind}:${input.accountId}` },
    now,
  );
}

export function dateOfBirthToRecordsHandler(options: { recordsUrl: string; tokens: TokenSource; logger: Logger }): OutboxHandler {
  return async (payload: Payload) => {
    const response = await authorizedFetch(options.tokens, `${options.recordsUrl}/v2/teachers/${encodeURIComponent(payload.trn)}/date-of-birth-from-teacher`, {
      method: "PUT",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ dateOfBirth: payload.dateOfBirth }),
    });
    const text = (await response.text().catch(() => "")).slice(0, 300);
    if (response.ok) {
      const answer = JSON.parse(text || "{}") as { stored?: boolean };
      options.logger.info("date_of_birth_sent_to_records", { stored: answer.stored ?? null });
      // The date is not kept in the outbox once records has it.
      return { storePayload: { trn: payload.trn, dateOfBirth: "[redacted after sending]" } };
    }
    // The record cannot take it (no such TRN, several, or refused as not valid): retrying will not help.
    if (response.status === 400 || response.status === 404 || response.status === 409)
      throw new PermanentFailure(`records refused the date of birth (${response.status}): ${text}`);
    throw new Error(`records replied ${response.status}: ${text}`);
  };
}
