// Configuration comes from environment variables, validated once at start-up. This file holds what
// every service shares (the environment, where each service is, logging) and how settings are read
// and reported. Each service declares and validates its own settings in src/<service>/settings.ts,
// on top of these; nothing here knows any service's own settings.
import { z } from "zod";
import { baseUrl, boolean, duration, optionalString, port } from "./env-schema";

export const serviceNames = ["identity", "records", "access"] as const;
export type ServiceName = (typeof serviceNames)[number];

export const environments = ["development", "production"] as const;
export type Environment = (typeof environments)[number];

export const sharedSettings = z.object({
  ENVIRONMENT: z.enum(environments, { error: "must be development or production" }).default("development"),
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
  /** Prometheus metrics of every service in the process, at /metrics on this port (never on the public ports). */
  METRICS_PORT: port(4003),
  METRICS_BIND_HOST: z.string().min(1, "must not be empty").default("127.0.0.1"),
  /** When set, a scrape must send `Authorization: Bearer <token>`; required off localhost. */
  METRICS_TOKEN: optionalString().pipe(z.string().min(16, "must be at least 16 characters").optional()),
  /** How long a required dependency (SMTP) may fail every delivery before /health/ready says not ready. */
  READINESS_FAILURE_THRESHOLD: duration("5m"),
  /** Where a teacher who cannot go on gets help (every footer's "Get help", every dead-end page). Required in production. */
  SUPPORT_EMAIL: optionalString().pipe(z.email({ error: "must be an email address" }).optional()),
  /** How soon support answers, in words ("5 working days"), said next to SUPPORT_EMAIL. Required in production. */
  SUPPORT_RESPONSE_TIME: optionalString(),
  /** The beta banner's feedback link; unset: Teacher ID's own feedback form ({IDENTITY_URL}/feedback). */
  FEEDBACK_URL: optionalString().pipe(z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional()),
});

export type SharedSettings = z.output<typeof sharedSettings>;

const publicUrlSettings = ["IDENTITY_URL", "RECORDS_URL", "ACCESS_URL"] as const;

/** Production rules for the shared settings: browsers and services reach every service over https. */
export function checkSharedSettings(settings: SharedSettings, ctx: z.RefinementCtx): void {
  if (!isLoopback(settings.METRICS_BIND_HOST) && settings.METRICS_TOKEN === undefined) {
    ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "is required when METRICS_BIND_HOST is not a loopback address (the metrics would be open to the network)" });
  }
  if (settings.ENVIRONMENT !== "production") return;
  for (const key of publicUrlSettings) {
    if (!settings[key].startsWith("https://")) {
      ctx.addIssue({ code: "custom", path: [key], message: "must be an https:// URL when ENVIRONMENT=production" });
    }
  }
}

/** Each service that shows pages: production names the support contact (development has demo values). */
export function checkSupportSettings(settings: SharedSettings, ctx: z.RefinementCtx): void {
  requireInProduction(settings, ctx, ["SUPPORT_EMAIL", "SUPPORT_RESPONSE_TIME"], "every page where a teacher cannot go on says how to get help");
}

/** Names `names` as missing when ENVIRONMENT=production and they are unset; `why` ends the message. */
export function requireInProduction<T extends { ENVIRONMENT: Environment }>(
  settings: T,
  ctx: z.RefinementCtx,
  names: (keyof T & string)[],
  why: string,
): void {
  if (settings.ENVIRONMENT !== "production") return;
  for (const name of names) {
    if (settings[name] === undefined) {
      ctx.addIssue({ code: "custom", path: [name], message: `is required when ENVIRONMENT=production (${why})` });
    }
  }
}

/** Development's demo support contact: production sets SUPPORT_EMAIL and SUPPORT_RESPONSE_TIME. */
export const demoSupport = { email: "teacher-id-support@example.com", responseTime: "5 working days" } as const;

/** Who a teacher contacts for help, and how soon they hear back (demo values in development). */
export function supportContact(settings: Partial<Pick<SharedSettings, "SUPPORT_EMAIL" | "SUPPORT_RESPONSE_TIME">>): { email: string; responseTime: string } {
  return { email: settings.SUPPORT_EMAIL ?? demoSupport.email, responseTime: settings.SUPPORT_RESPONSE_TIME ?? demoSupport.responseTime };
}

/** Where the beta banner's "feedback" link goes: FEEDBACK_URL, else identity's feedback form. */
export function feedbackUrl(settings: SharedSettings, service: ServiceName): string {
  return settings.FEEDBACK_URL ?? `${settings.IDENTITY_URL}/feedback?from=${service}`;
}

export type SharedConfig = SharedSettings & {
  /** Public base URL of each service, by name. */
  urls: Record<ServiceName, string>;
  ports: Record<ServiceName, number>;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }

  /** One error naming every problem of several (e.g. each service `serve` starts), each once. */
  static combine(errors: ConfigError[]): ConfigError {
    return new ConfigError([...new Set(errors.flatMap((error) => error.problems))]);
  }
}

export type Env = Record<string, string | undefined>;

/** Reads `schema` from the environment; throws ConfigError naming each bad setting. */
export function parseSettings<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  // Unset and empty mean the same thing for an environment variable.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "configuration");
      // Never echo a secret back into a terminal or a log.
      const given = /SECRET|PASSWORD|KEY|TOKEN|SMTP_URL/.test(name) ? undefined : present[name];
      return `${name} ${issue.message}${given === undefined ? "" : ` (got ${JSON.stringify(given)})`}`;
    }),
  );
}

/** Adds `urls` and `ports` (by service name) to parsed settings. */
export function withServiceAddresses<T extends SharedSettings>(settings: T): T & Pick<SharedConfig, "urls" | "ports"> {
  return {
    ...settings,
    urls: { identity: settings.IDENTITY_URL, records: settings.RECORDS_URL, access: settings.ACCESS_URL },
    ports: { identity: settings.IDENTITY_PORT, records: settings.RECORDS_PORT, access: settings.ACCESS_PORT },
  };
}

/** Only the shared settings: for commands that serve no service (e.g. `backup`). */
export function loadSharedConfig(env: Env = process.env): SharedConfig {
  return withServiceAddresses(parseSettings(sharedSettings.superRefine(checkSharedSettings), env));
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);
const isLoopback = (host: string) => loopbackHosts.has(host) || host.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(host);

/**
 * The public URL settings that point away from this machine while ENVIRONMENT=development.
 * ENVIRONMENT defaults to development, which turns on conveniences that are unsafe on a real
 * network (dev mailbox, provisioned secrets file, demo client and teachers): `serve` warns.
 */
export function publicUrlsInDevelopment(config: SharedSettings): { name: string; url: string }[] {
  if (config.ENVIRONMENT !== "development") return [];
  return publicUrlSettings
    .map((name) => ({ name, url: config[name] }))
    .filter(({ url }) => !isLoopback(new URL(url).hostname));
}
