import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { ConfigError, loadSharedConfig, publicUrlsInDevelopment, supportContact, type Env } from "../../src/config/config";
import { internalClientCredentials, readProvisionedSecrets } from "../../src/config/internal-clients";
import { accessSettings, loadAccessConfig } from "../../src/access/settings";
import { identitySettings, loadIdentityConfig } from "../../src/identity/settings";
import { loadRecordsConfig, recordsSettings } from "../../src/records/settings";
import { loadServeConfig } from "../../src/cli/configuration";

function problemsFor(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

/** The setting each problem names (the first word). */
const named = (problems: string[]) => problems.map((p) => p.split(" ")[0]).sort();

/** Production with https URLs and the support contact, and nothing else. */
const production: Env = {
  ENVIRONMENT: "production",
  IDENTITY_URL: "https://id.example",
  RECORDS_URL: "https://records.example",
  ACCESS_URL: "https://access.example",
  SUPPORT_EMAIL: "support@teacher.example",
  SUPPORT_RESPONSE_TIME: "5 working days",
};

describe("configuration", () => {
  test("has working defaults for a newcomer", () => {
    const config = loadSharedConfig({});
    expect(config.urls).toEqual({
      identity: "http://127.0.0.1:4000",
      records: "http://127.0.0.1:4001",
      access: "http://127.0.0.1:4002",
    });
    expect(config.ports).toEqual({ identity: 4000, records: 4001, access: 4002 });
    expect(config.DATA_DIR).toBe("./data");
    expect(config.ENVIRONMENT).toBe("development");
  });

  test("a bad port names the setting and the value", () => {
    expect(problemsFor(() => loadSharedConfig({ IDENTITY_PORT: "forty" }))).toEqual(['IDENTITY_PORT must be a port number (got "forty")']);
    expect(problemsFor(() => loadAccessConfig({ ACCESS_PORT: "70000" }))).toEqual(['ACCESS_PORT must be between 0 and 65535 (got "70000")']);
  });

  test("a bad URL and a bad enum each name their setting", () => {
    const problems = problemsFor(() => loadRecordsConfig({ RECORDS_URL: "ftp://x", LOG_LEVEL: "loud" }));
    expect(problems).toContain('RECORDS_URL must be an http:// or https:// URL (got "ftp://x")');
    expect(problems).toContain('LOG_LEVEL must be debug, info, warn or error (got "loud")');
  });

  test("production demands https URLs and real SMTP, and does not echo secrets", () => {
    const problems = problemsFor(() => loadIdentityConfig({ ENVIRONMENT: "production", SMTP_URL: "http://user:hunter2@mail" }));
    expect(problems.some((p) => p.startsWith("IDENTITY_URL must be an https:// URL when ENVIRONMENT=production"))).toBe(true);
    expect(problems.some((p) => p.startsWith("SMTP_URL must be an smtp:// or smtps:// URL"))).toBe(true);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  test("trailing slashes on base URLs are removed", () => {
    expect(loadAccessConfig({ ACCESS_URL: "https://access.example/" }).urls.access).toBe("https://access.example");
  });
});

describe("configuration per service", () => {
  test("src/config imports nothing from any service's folder", () => {
    const configDir = resolve(import.meta.dir, "../../src/config");
    const services = ["identity", "records", "access"].map((name) => resolve(configDir, "..", name));
    const imports = readdirSync(configDir).flatMap((file) =>
      [...readFileSync(join(configDir, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)]
        .map((m) => m[1])
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) => ({ file, target: resolve(dirname(join(configDir, file)), specifier) })),
    );
    expect(imports.length).toBeGreaterThan(0);
    const intoServices = imports.filter(({ target }) => services.some((dir) => !relative(dir, target).startsWith("..")));
    expect(intoServices).toEqual([]);
  });

  test("each service reads its own settings and the shared ones, not the others'", () => {
    const names = (schema: { shape: object }) => Object.keys(schema.shape);
    expect(names(accessSettings)).toContain("ACCESS_SESSION_LIFETIME");
    for (const other of ["SMTP_URL", "MAIL_FROM", "NOTIFY_API_KEY", "OUTBOX_MAX_AGE", "RECORDS_CLIENT_SECRET", "IDENTITY_CLIENT_SECRET", "TRN_TOKEN_TTL"]) {
      expect(names(accessSettings)).not.toContain(other);
    }
    expect(names(recordsSettings)).toContain("SMTP_URL");
    for (const other of ["NOTIFY_API_KEY", "ACCESS_SESSION_LIFETIME", "ACCESS_CLIENT_SECRET", "IDENTITY_CLIENT_SECRET", "CODE_SEND_LIMIT_PER_IP"]) {
      expect(names(recordsSettings)).not.toContain(other);
    }
    expect(names(identitySettings)).toContain("NOTIFY_API_KEY");
    for (const other of ["ACCESS_SESSION_LIFETIME", "ACCESS_CLIENT_SECRET", "RECORDS_CLIENT_SECRET"]) {
      expect(names(identitySettings)).not.toContain(other);
    }
    // What a service does not read is not in its configuration, even when set.
    const records = loadRecordsConfig({ ACCESS_SESSION_LIFETIME: "2h", NOTIFY_SMS_TEMPLATE_ID: "t" }) as Record<string, unknown>;
    expect(records.ACCESS_SESSION_LIFETIME).toBeUndefined();
    expect(records.NOTIFY_SMS_TEMPLATE_ID).toBeUndefined();
  });

  test("every service that shows pages needs the support contact in production; development has demo values", () => {
    const { SUPPORT_EMAIL: _email, SUPPORT_RESPONSE_TIME: _time, ...withoutSupport } = production;
    for (const load of [loadAccessConfig, loadRecordsConfig, loadIdentityConfig]) {
      const problems = problemsFor(() => load(withoutSupport));
      expect(named(problems)).toContain("SUPPORT_EMAIL");
      expect(named(problems)).toContain("SUPPORT_RESPONSE_TIME");
      expect(problems).toContain("SUPPORT_EMAIL is required when ENVIRONMENT=production (every page where a teacher cannot go on says how to get help)");
    }
    expect(named(problemsFor(() => loadAccessConfig({ SUPPORT_EMAIL: "not an address" })))).toEqual(["SUPPORT_EMAIL"]);
    expect(supportContact(loadAccessConfig({}))).toEqual({ email: "teacher-id-support@example.com", responseTime: "5 working days" });
    expect(supportContact(loadAccessConfig({ ...production, ACCESS_CLIENT_ID: "access", ACCESS_CLIENT_SECRET: "a".repeat(43) }))).toEqual({ email: "support@teacher.example", responseTime: "5 working days" });
  });

  test("in production each service asks only for what it needs", () => {
    expect(named(problemsFor(() => loadAccessConfig(production)))).toEqual(["ACCESS_CLIENT_ID", "ACCESS_CLIENT_SECRET"]);
    expect(named(problemsFor(() => loadRecordsConfig(production)))).toEqual(["IDENTITY_WEBHOOK_SECRET", "RECORDS_CLIENT_ID", "RECORDS_CLIENT_SECRET", "SMTP_URL"]);
    expect(problemsFor(() => loadRecordsConfig(production))).toContain(
      "IDENTITY_WEBHOOK_SECRET is required when ENVIRONMENT=production (records verifies identity's webhooks with it; give identity the same one with 'identity webhooks add --secret')",
    );
    expect(named(problemsFor(() => loadIdentityConfig(production)))).toEqual([
      "IDENTITY_CLIENT_ID",
      "IDENTITY_CLIENT_SECRET",
      "NOTIFY_API_KEY",
      "SIGNING_KEY_PASSPHRASE",
      "SMTP_URL",
    ]);
    expect(problemsFor(() => loadIdentityConfig(production))).toContain(
      "NOTIFY_API_KEY is required when ENVIRONMENT=production (text messages go to the dev mailbox without it, which is for development only)",
    );
    const access = loadAccessConfig({ ...production, ACCESS_CLIENT_ID: "access", ACCESS_CLIENT_SECRET: "s".repeat(43) });
    expect(access.ACCESS_CLIENT_ID).toBe("access");
  });

  test("serve --only access in production reads access's settings only; all three together name each problem once", () => {
    expect(named(problemsFor(() => loadServeConfig(production, ["access"])))).toEqual(["ACCESS_CLIENT_ID", "ACCESS_CLIENT_SECRET"]);
    const all = problemsFor(() => loadServeConfig({ ...production, ACCESS_URL: "http://access.example" }, ["identity", "records", "access"]));
    expect(all.filter((p) => p.startsWith("ACCESS_URL "))).toEqual([
      'ACCESS_URL must be an https:// URL when ENVIRONMENT=production (got "http://access.example")',
    ]);
  });
});

describe("the provisioned secrets file is for development only", () => {
  const withSecretsFile = (content: string, run: (dataDir: string) => void) => {
    const dataDir = mkdtempSync(join(tmpdir(), "teacher-id-secrets-file-"));
    try {
      writeFileSync(join(dataDir, "internal-client-secrets.json"), content);
      run(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const savedRecords = JSON.stringify({ records: { clientId: "records-service", clientSecret: "from-the-file" } });

  test("development falls back to it when a service's client settings are unset", () => {
    withSecretsFile(savedRecords, (DATA_DIR) => {
      expect(internalClientCredentials({ ENVIRONMENT: "development", DATA_DIR }, "records")).toEqual({
        clientId: "records-service",
        clientSecret: "from-the-file",
      });
    });
  });

  test("production never reads the provisioned secrets file", () => {
    withSecretsFile(savedRecords, (DATA_DIR) => {
      expect(() => internalClientCredentials({ ENVIRONMENT: "production", DATA_DIR }, "records")).toThrow(
        "records has no client credentials: set RECORDS_CLIENT_ID and RECORDS_CLIENT_SECRET",
      );
      expect(() => readProvisionedSecrets({ ENVIRONMENT: "production", DATA_DIR })).toThrow(/for development only/);
    });
    // A file that cannot be read at all makes no difference to production, which uses its settings.
    withSecretsFile("{ not json", (DATA_DIR) => {
      const config = { ENVIRONMENT: "production" as const, DATA_DIR, RECORDS_CLIENT_ID: "records-prod", RECORDS_CLIENT_SECRET: "from-settings" };
      expect(internalClientCredentials(config, "records")).toEqual({ clientId: "records-prod", clientSecret: "from-settings" });
      expect(() => internalClientCredentials({ ...config, ENVIRONMENT: "development", RECORDS_CLIENT_SECRET: undefined }, "records")).toThrow(
        SyntaxError,
      );
    });
  });
});

describe("development with public URLs", () => {
  test("names each public URL that is not on this machine, only in development", () => {
    const config = loadSharedConfig({
      IDENTITY_URL: "http://localhost:4000",
      RECORDS_URL: "http://[::1]:4001",
      ACCESS_URL: "https://access.teacher.example.gov.uk",
    });
    expect(publicUrlsInDevelopment(config)).toEqual([{ name: "ACCESS_URL", url: "https://access.teacher.example.gov.uk" }]);
    expect(publicUrlsInDevelopment(loadSharedConfig({}))).toEqual([]);
    expect(publicUrlsInDevelopment(loadSharedConfig({ IDENTITY_URL: "http://127.0.0.1.example.com" }))).toEqual([
      { name: "IDENTITY_URL", url: "http://127.0.0.1.example.com" },
    ]);
    expect(publicUrlsInDevelopment({ ...config, ENVIRONMENT: "production" })).toEqual([]);
  });
});
