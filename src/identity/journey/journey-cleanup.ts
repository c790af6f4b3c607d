// Removes what the journeys leave behind once it can no longer matter: expired journeys (an hour
// after they started, finished or not), codes a day past their expiry, and rate-limit buckets
// untouched for two windows (empty by then). A full scan every few minutes is cheaper than an
// index written on every request.
import { lt } from "drizzle-orm";
import { changedRows } from "../../db/changed-rows";
import type { Logger } from "../../log/logger";
import type { BackgroundWorker } from "../../server/service";
import type { IdentityDb } from "../db/database";
import type { IdentityDatabaseFile } from "../db/database";
import { journeys, rateLimits, securityCodes } from "../db/schema";

const dayMs = 86_400_000;

export function removeStaleJourneyData(db: IdentityDb, rateLimitWindowMs: number, now = Date.now()) {
  return db.transaction((tx) => ({
    journeys: changedRows(tx.delete(journeys).where(lt(journeys.expiresAt, now)).run()),
    codes: changedRows(tx.delete(securityCodes).where(lt(securityCodes.expiresAt, now - dayMs)).run()),
    rateLimits: changedRows(tx.delete(rateLimits).where(lt(rateLimits.windowStart, now - 2 * rateLimitWindowMs)).run()),
  }));
}

export function createJourneyCleanupWorker(options: {
  db: IdentityDatabaseFile;
  logger: Logger;
  rateLimitWindowMs: number;
  intervalMs?: number;
}): BackgroundWorker {
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    name: "identity-journey-cleanup",
    start() {
      timer = setInterval(() => {
        try {
          const removed = removeStaleJourneyData(options.db, options.rateLimitWindowMs);
          if (removed.journeys || removed.codes || removed.rateLimits) options.logger.info("journey_data_removed", removed);
        } catch (error) {
          options.logger.error("journey_cleanup_failed", { error: error as Error });
        }
      }, options.intervalMs ?? 5 * 60_000);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
