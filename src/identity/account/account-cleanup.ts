// Removes pending /account changes once they expire: they hold a new email address or number that
// nobody confirmed. Those of a session that signs out go at once (ON DELETE CASCADE).
import type { Logger } from "../../log/logger";
import type { BackgroundWorker } from "../../server/service";
import type { IdentityDatabaseFile } from "../db/database";
import { removeExpiredPendingChanges } from "./pending-changes";

export function createAccountCleanupWorker(options: { db: IdentityDatabaseFile; logger: Logger; intervalMs?: number }): BackgroundWorker {
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    name: "identity-account-cleanup",
    start() {
      timer = setInterval(() => {
        try {
          const removed = removeExpiredPendingChanges(options.db);
          if (removed) options.logger.info("account_changes_expired", { removed });
        } catch (error) {
          options.logger.error("account_cleanup_failed", { error: error as Error });
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
