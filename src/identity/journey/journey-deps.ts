// What every journey needs from the rest of identity, passed in by identity's service (journeys.ts).
// A journey that needs more (registration reads records) extends this with its own deps.
import type { Logger } from "../../log/logger";
import type { ServiceBrand } from "../../web/layout";
import type { IdentityDatabaseFile } from "../db/database";
import type { z } from "zod";
import type { startLimitSettings } from "../rate-limit/settings";
import type { SecurityCodeSettings } from "../security-codes/settings";

export interface JourneyDeps {
  db: IdentityDatabaseFile;
  /** The code and rate-limit settings, and whether to trust X-Forwarded-For for the client IP. */
  config: SecurityCodeSettings & z.output<typeof startLimitSettings> & { TRUST_PROXY: boolean; SUPPORT_EMAIL?: string; SUPPORT_RESPONSE_TIME?: string };
  logger: Logger;
  brand: ServiceBrand;
  /** Cookies get Secure when identity's URL is https. */
  secure: boolean;
  /** Tells the outbox worker a message is waiting, so a code arrives in well under a second. */
  nudgeOutbox: () => void;
}
