// A system for "Create an account without a link" tests: the three services in this process, with
// the TEST-ONLY matcher stand-in (records-matcher-standin.ts) in front of the real records, a real
// SMTP server, and what support's functions need (over real HTTP to records).
import { createClientCredentialsTokenSource } from "../../src/auth/client-credentials";
import { internalClientCredentials } from "../../src/config/internal-clients";
import { openIdentityDatabase, type IdentityDatabaseFile } from "../../src/identity/db/database";
import type { SupportDeps } from "../../src/identity/find-record/support-cases";
import { createTeacherLookup } from "../../src/identity/register/records-client";
import { createLogger } from "../../src/log/logger";
import { Browser, authorize, emailedCode } from "./identity-journey";
import { freshServicePorts } from "./ports";
import { startMatcherStandIn, type MatcherStandIn } from "./records-matcher-standin";
import { startSmtpServer, type TestSmtpServer } from "./smtp";
import { startTestSystem, type TestSystem } from "./system";

export interface FindRecordSystem {
  system: TestSystem;
  smtp: TestSmtpServer;
  standIn: MatcherStandIn;
  db: IdentityDatabaseFile;
  support: SupportDeps;
  stop(): Promise<void>;
}

export async function startFindRecordSystem(env: Record<string, string> = {}): Promise<FindRecordSystem> {
  const smtp = await startSmtpServer();
  const standIn = startMatcherStandIn();
  const ports = freshServicePorts();
  standIn.forwardTo = `http://127.0.0.1:${ports.records}`;
  // Everything that calls records (identity, access) goes through the stand-in's address.
  const system = await startTestSystem({ ports, env: { SMTP_URL: smtp.url, RECORDS_URL: standIn.url, ...env } });
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
    // Straight to records (not through the stand-in): support checks a TRN with the real GET /v2/teachers/{trn}.
    findTeacher: createTeacherLookup({ recordsUrl: standIn.forwardTo, tokens, logger }),
    settings: { accessUrl: system.urls.access, responseTime: "5 working days" },
  };
  return {
    system,
    smtp,
    standIn,
    db,
    support,
    async stop() {
      db.$client.close();
      await system.stop();
      standIn.close();
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
