// A system for "Create an account without a link" tests: the three services in this process, with
// a TEST-ONLY forwarding proxy (records-proxy.ts: counts finds, can answer 503) in front of the real
// records and its real matcher, a real SMTP server, and what support's functions need (over real
// HTTP to records).
import { createClientCredentialsTokenSource } from "../../src/auth/client-credentials";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import type { SupportDeps } from "../../src/identity/find-record/support-cases";
import { createTeacherLookup } from "../../src/identity/register/records-client";
import { createLogger } from "../../src/log/logger";
import { Browser, authorize, emailedCode } from "./identity-journey";
import { freshServicePorts } from "./ports";
import { startRecordsProxy, type RecordsProxy } from "./records-proxy";
import { startSmtpServer, type TestSmtpServer } from "./smtp";
import { startTestSystem, type TestSystem } from "./system";

export interface FindRecordSystem {
  system: TestSystem;
  smtp: TestSmtpServer;
  /** In front of records: what identity asked records' matcher, and 503 on demand. */
  records: RecordsProxy;
  db: IdentityDatabaseFile;
  support: SupportDeps;
  stop(): Promise<void>;
}

export async function startFindRecordSystem(env: Record<string, string> = {}): Promise<FindRecordSystem> {
  const smtp = await startSmtpServer();
  const proxy = startRecordsProxy();
  const ports = freshServicePorts();
  proxy.forwardTo = `http://127.0.0.1:${ports.records}`;
  // Everything that calls records (identity, access) goes through the proxy's address.
  const system = await startTestSystem({ ports, env: { SMTP_URL: smtp.url, RECORDS_URL: proxy.url, ...env } });
  const db = openIdentityDatabase(system.dataDir);
  const logger = createLogger({ level: "error", write: () => {} });
  const tokens = createClientCredentialsTokenSource({
    tokenUrl: `${system.urls.identity}/token`,
    credentials: () => internalClientCredentials(system.config, "identity"),
    scope: "teachers:read",
  });
  const support: SupportDeps = {
    db,
    logger,
    // Straight to records (not through the proxy): support checks a TRN with the real GET /v2/teachers/{trn}.
    findTeacher: createTeacherLookup({ recordsUrl: proxy.forwardTo, tokens, logger }),
    settings: { accessUrl: system.urls.access, responseTime: "5 working days" },
  };
  return {
    system,
    smtp,
    records: proxy,
    db,
    support,
    async stop() {
      db.$client.close();
      await system.stop();
      proxy.close();
      await smtp.close();
    },
  };
}

/** Starts "Create an account without a link" as access does (prompt=create) and proves `email` with its code. */
export async function throughEmailCode(s: FindRecordSystem, browser: Browser, email: string) {
  const auth = await authorize(s.system, browser, { extra: { prompt: "create" } });
  const before = Date.now();
  await browser.post("/find-record", { email });
  if (!browser.url.endsWith("/find-record/email-code")) throw new Error(`not at the code page: ${browser.url} ${browser.status}`);
  const code = await emailedCode(s.smtp, email, before);
  await browser.post("/find-record/email-code", { code });
  return auth;
}

export interface Details {
  firstName: string;
  lastName: string;
  previousLastName?: string;
  dateOfBirth: string;
  identifier: Record<string, string>;
}

/** Answers name, date of birth and identifier; the browser ends on check answers. */
export async function answerDetails(browser: Browser, details: Details) {
  await browser.post("/find-record/name", {
    firstName: details.firstName,
    lastName: details.lastName,
    hasPreviousName: details.previousLastName ? "yes" : "no",
    previousLastName: details.previousLastName ?? "",
  });
  const [year, month, day] = details.dateOfBirth.split("-");
  await browser.post("/find-record/date-of-birth", { day, month, year });
  await browser.post("/find-record/identifier", details.identifier);
}
