// Deletes protocol rows nobody can use any more (expired codes, requests, refresh tokens, and
// grants whose tokens have all expired), so the tables stay the size of the live traffic.
// TRN tokens are kept: the journeys tell "this link has expired" from "this link is not valid".
import { changedRows } from "../../db/changed-rows";
import type { BackgroundWorker } from "../../server/service";
import type { Logger } from "../../log/logger";
import type { IdentityDatabaseFile } from "../db/database";

/** Rows stay this long after they expire, for support questions ("why was my code refused?"). */
const graceMs = 24 * 60 * 60_000;
/** Deleted per statement, so a purge never holds the write lock for long. */
const batchSize = 1_000;

export function purgeExpiredProtocolRows(
  db: IdentityDatabaseFile,
  options: { refreshTokenTtlMs: number; accessTokenTtlMs: number; now?: number },
): { codes: number; requests: number; refreshTokens: number; grants: number } {
  const now = options.now ?? Date.now();
  const before = now - graceMs;
  const sqlite = db.$client;
  const repeat = (sql: string, ...params: number[]) => {
    let total = 0;
    for (;;) {
      const changes = changedRows(sqlite.query(sql).run(...params));
      total += changes;
      if (changes < batchSize) return total;
    }
  };
  const codes = repeat(
    `DELETE FROM authorization_codes WHERE rowid IN (SELECT rowid FROM authorization_codes WHERE expires_at < ? LIMIT ${batchSize})`,
    before,
  );
  const refreshTokens = repeat(
    `DELETE FROM refresh_tokens WHERE rowid IN (SELECT rowid FROM refresh_tokens WHERE expires_at < ? LIMIT ${batchSize})`,
    before,
  );
  // A request nobody finished is of no use to support: it goes as soon as it expires (an hour
  // after /authorize), so a flood of GET /authorize leaves nothing behind for a day. A finished
  // one keeps the grace. A journey may still point at its request (foreign key): those go when
  // the journey goes.
  const requests = repeat(
    `DELETE FROM authorization_requests WHERE rowid IN (
       SELECT rowid FROM authorization_requests
        WHERE (expires_at < ? OR (completed_at IS NULL AND expires_at < ?))
          AND id NOT IN (SELECT authorization_request_id FROM journeys WHERE authorization_request_id IS NOT NULL)
       LIMIT ${batchSize})`,
    before,
    now,
  );
  // A grant outlives its last refresh token by one access-token lifetime.
  const grants = repeat(
    `DELETE FROM grants WHERE rowid IN (
       SELECT rowid FROM grants WHERE created_at < ?
         AND id NOT IN (SELECT grant_id FROM refresh_tokens)
         AND id NOT IN (SELECT grant_id FROM authorization_codes)
       LIMIT ${batchSize})`,
    before - options.refreshTokenTtlMs - options.accessTokenTtlMs,
  );
  return { codes, requests, refreshTokens, grants };
}

export function createProtocolCleanupWorker(
  db: IdentityDatabaseFile,
  options: { refreshTokenTtlMs: number; accessTokenTtlMs: number; logger: Logger; intervalMs?: number },
): BackgroundWorker {
  let timer: ReturnType<typeof setInterval> | undefined;
  const run = () => {
    try {
      const deleted = purgeExpiredProtocolRows(db, options);
      if (Object.values(deleted).some((n) => n > 0)) options.logger.info("protocol_rows_purged", deleted);
    } catch (error) {
      options.logger.error("protocol_purge_failed", { error: error as Error });
    }
  };
  return {
    name: "identity-protocol-cleanup",
    start() {
      timer = setInterval(run, options.intervalMs ?? 15 * 60_000);
      timer.unref?.();
    },
    // Each run is synchronous, so none is in progress when stop() is called.
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
