// What the support console needs from the rest of identity, passed in by identity's service.
import type { Logger } from "../../log/logger";
import type { ServiceBrand } from "../../web/layout";
import type { IdentityDatabaseFile } from "../db/database";
import type { KeyVault } from "../keys/key-vault";
import type { SecurityCodeSettings } from "../security-codes/settings";
import type { AllowedIps } from "../../web/allowed-ips";

export interface AdminDeps {
  db: IdentityDatabaseFile;
  config: SecurityCodeSettings & {
    TRUST_PROXY: boolean;
    ENVIRONMENT: "development" | "production";
    ACCESS_TOKEN_TTL: number;
    ID_TOKEN_TTL: number;
    /** Named in the notice to a teacher's old address (src/config supportContact: a demo value in development). */
    SUPPORT_EMAIL?: string;
  };
  logger: Logger;
  brand: ServiceBrand;
  /** Cookies get Secure (and __Secure-) when identity's URL is https. */
  secure: boolean;
  /** ADMIN_ALLOWED_IPS as a check, or null (any address). */
  allowedIps: AllowedIps;
  vault: Pick<KeyVault, "staffTotpKey" | "webhookSecretKey"> & Partial<KeyVault>;
  /** Makes new signing keys (an event by staff:<staffId> with the reason); the console's "Rotate signing keys". */
  rotateSigningKeys: (staffId: string, reason: string) => Promise<{ kid: string; alg: string }[]>;
  /** Tells the outbox worker a message is waiting. */
  nudgeOutbox: () => void;
  /** The clock (tests move it). */
  now: () => number;
}
