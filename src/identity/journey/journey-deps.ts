// What the sign-in and registration journeys need from the rest of identity. Passed in by
// identity's service so the journeys do not reach into the protocol code's internals.
import type { Config } from "../../config/config";
import type { Logger } from "../../log/logger";
import type { ServiceBrand } from "../../web/layout";
import type { IdentityDatabase } from "../db/database";
import type { TeacherLookup } from "../register/records-client";

export interface JourneyDeps {
  db: IdentityDatabase;
  config: Config;
  logger: Logger;
  brand: ServiceBrand;
  /** Cookies get Secure when identity's URL is https. */
  secure: boolean;
  /** The protocol code's hand-back: issues the code and returns the client's redirect URL. */
  completeAuthorization: (
    db: IdentityDatabase,
    input: { requestId: string; accountId: string; authTime: number },
  ) => string | Promise<string>;
  /** Reads the teacher's record at records. */
  findTeacher: TeacherLookup;
  /** How long a new TRN token (an emailed "new link") lives. */
  trnTokenLifetimeMs: number;
  /** Tells the outbox worker a message is waiting, so a code arrives in well under a second. */
  nudgeOutbox: () => void;
}
