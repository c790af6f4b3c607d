// access's configuration: the shared settings, its own OpenID Connect client at identity, and the
// settings below that only access reads. access sends no mail. Names are environment variables;
// see README "Configuration".
import { z } from "zod";
import {
  checkSharedSettings,
  checkSupportSettings,
  parseSettings,
  sharedSettings,
  withServiceAddresses,
  type Env,
  type SharedConfig,
} from "../config/config";
import { duration } from "../config/env-schema";
import { checkInternalClientSettings, internalClientSettings } from "../config/internal-clients";

const accessOwnSettings = z.object({
  /** How long a teacher stays signed in to access, however active (their access token may end sooner). */
  ACCESS_SESSION_LIFETIME: duration("8h"),
  /** How long a sign-in started at access may take at identity (registering includes email and SMS codes). */
  ACCESS_SIGN_IN_TIMEOUT: duration("1h"),
  /**
   * Sign-ins (GET /sign-in and magic links) started from one client IP per ACCESS_SIGN_IN_TIMEOUT:
   * this many at once, then one more each ACCESS_SIGN_IN_TIMEOUT / this. Each stores a row.
   */
  ACCESS_SIGN_IN_LIMIT_PER_IP: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .default(300),
  /** Who issues the certificates, and in whose name (printed on every certificate). */
  CERTIFICATE_ISSUER_NAME: z.string().trim().min(1).default("Department for Education"),
  CERTIFICATE_ON_BEHALF_OF: z.string().trim().min(1).default("on behalf of the Secretary of State for Education"),
  /** The signatory line: a name (or an office) and a title. Set both in production. */
  CERTIFICATE_SIGNATORY_NAME: z.string().trim().min(1).default("Teacher Qualifications Unit"),
  CERTIFICATE_SIGNATORY_TITLE: z.string().trim().min(1).default("Teaching Regulation Agency"),
  /** GET /check/{code} from one client IP: this many at once, then one more each minute / this. */
  ACCESS_CHECK_LIMIT_PER_IP: z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .default(60),
});

export const accessSettings = sharedSettings
  // access -> identity as an authorization-code client.
  .extend(internalClientSettings("ACCESS").shape)
  .extend(accessOwnSettings.shape)
  .superRefine((settings, ctx) => {
    checkSharedSettings(settings, ctx);
    checkSupportSettings(settings, ctx);
    checkInternalClientSettings("ACCESS")(settings, ctx);
  });

export type AccessConfig = z.output<typeof accessSettings> & SharedConfig;

/** Reads and validates access's settings; throws ConfigError naming each bad one. */
export function loadAccessConfig(env: Env = process.env): AccessConfig {
  return withServiceAddresses(parseSettings(accessSettings, env));
}
