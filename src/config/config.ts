// Configuration comes from environment variables, validated once at start-up.
// Each service adds its own section (src/<service>/settings.ts); this file holds what all share.
import { z } from "zod";
import { baseUrl, boolean, optionalString, port } from "./env-schema";
import { checkIdentitySettings, identitySettings } from "../identity/settings";
import { recordsSettings } from "../records/settings";
import { accessSettings } from "../access/settings";
import { mailSettings } from "../mail/settings";

export const serviceNames = ["identity", "records", "access"] as const;
export type ServiceName = (typeof serviceNames)[number];

const commonSettings = z.object({
  ENVIRONMENT: z.enum(["development", "production"], { error: "must be development or production" }).default("development"),
  DATA_DIR: z.string().min(1, "must not be empty").default("./data"),
  BIND_HOST: z.string().min(1, "must not be empty").default("127.0.0.1"),
  IDENTITY_PORT: port(4000),
  RECORDS_PORT: port(4001),
  ACCESS_PORT: port(4002),
  IDENTITY_URL: baseUrl("http://127.0.0.1:4000"),
  RECORDS_URL: baseUrl("http://127.0.0.1:4001"),
  ACCESS_URL: baseUrl("http://127.0.0.1:4002"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" }).default("info"),
  TRUST_PROXY: boolean(false),
  SMTP_URL: optionalString().pipe(
    z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  ),
  MAIL_FROM: z.string().min(3).default("Teacher ID <no-reply@teacher-id.localhost>"),
  // Credentials each service uses to call the others (src/config/internal-clients.ts). Leave unset
  // for the all-in-one `serve`, which provisions them.
  RECORDS_CLIENT_ID: optionalString(),
  RECORDS_CLIENT_SECRET: optionalString(),
  IDENTITY_CLIENT_ID: optionalString(),
  IDENTITY_CLIENT_SECRET: optionalString(),
  ACCESS_CLIENT_ID: optionalString(),
  ACCESS_CLIENT_SECRET: optionalString(),
});

const allSettings = commonSettings
  .extend(identitySettings.shape)
  .extend(recordsSettings.shape)
  .extend(accessSettings.shape)
  .extend(mailSettings.shape);

const settingsSchema = allSettings.superRefine((settings, ctx) => {
    checkIdentitySettings(settings, ctx);
    if (settings.NOTIFY_API_KEY && !settings.NOTIFY_SMS_TEMPLATE_ID) {
      ctx.addIssue({ code: "custom", path: ["NOTIFY_SMS_TEMPLATE_ID"], message: "is required when NOTIFY_API_KEY is set" });
    }
    if (settings.ENVIRONMENT !== "production") return;
    for (const key of ["IDENTITY_URL", "RECORDS_URL", "ACCESS_URL"] as const) {
      if (!settings[key].startsWith("https://")) {
        ctx.addIssue({ code: "custom", path: [key], message: "must be an https:// URL when ENVIRONMENT=production" });
      }
    }
    if (!settings.SMTP_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["SMTP_URL"],
        message: "is required when ENVIRONMENT=production (the dev mailbox is for development only)",
      });
    }
  });

/** Every environment variable teacher-id reads (README "Configuration" must list each). */
export const settingNames = (): string[] => Object.keys(allSettings.shape);

export type Config = z.output<typeof settingsSchema> & {
  /** Public base URL of each service, by name. */
  urls: Record<ServiceName, string>;
  ports: Record<ServiceName, number>;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates every setting; throws ConfigError naming each bad setting. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Unset and empty mean the same thing for an environment variable.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = settingsSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "configuration");
        // Never echo a secret back into a terminal or a log.
        const given = /SECRET|PASSWORD|KEY|TOKEN|SMTP_URL/.test(name) ? undefined : present[name];
        return `${name} ${issue.message}${given === undefined ? "" : ` (got ${JSON.stringify(given)})`}`;
      }),
    );
  }
  const s = result.data;
  return {
    ...s,
    urls: { identity: s.IDENTITY_URL, records: s.RECORDS_URL, access: s.ACCESS_URL },
    ports: { identity: s.IDENTITY_PORT, records: s.RECORDS_PORT, access: s.ACCESS_PORT },
  };
}
