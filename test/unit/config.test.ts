import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config/config";

function problemsFor(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  test("has working defaults for a newcomer", () => {
    const config = loadConfig({});
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
    expect(problemsFor({ IDENTITY_PORT: "forty" })).toEqual(['IDENTITY_PORT must be a port number (got "forty")']);
    expect(problemsFor({ ACCESS_PORT: "70000" })).toEqual(['ACCESS_PORT must be between 0 and 65535 (got "70000")']);
  });

  test("a bad URL and a bad enum each name their setting", () => {
    const problems = problemsFor({ RECORDS_URL: "ftp://x", LOG_LEVEL: "loud" });
    expect(problems).toContain('RECORDS_URL must be an http:// or https:// URL (got "ftp://x")');
    expect(problems).toContain('LOG_LEVEL must be debug, info, warn or error (got "loud")');
  });

  test("production demands https URLs and real SMTP, and does not echo secrets", () => {
    const problems = problemsFor({ ENVIRONMENT: "production", SMTP_URL: "http://user:hunter2@mail" });
    expect(problems.some((p) => p.startsWith("IDENTITY_URL must be an https:// URL when ENVIRONMENT=production"))).toBe(true);
    expect(problems.some((p) => p.startsWith("SMTP_URL must be an smtp:// or smtps:// URL"))).toBe(true);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  test("trailing slashes on base URLs are removed", () => {
    expect(loadConfig({ ACCESS_URL: "https://access.example/" }).urls.access).toBe("https://access.example");
  });
});
