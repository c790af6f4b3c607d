// The built binary as two processes on one DATA_DIR, as they might run on two machines:
// `serve --only identity,access` and `serve --only records`, with a real SMTP server that can go
// down. Each can be stopped and started again at its own address, so one dependency at a time is
// down while the rest carry on; and each process's CPU time and log lines can be read over the
// outage, to show that a worker waiting for a dependency backs off rather than spins.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryInFreshDir } from "./binary";
import { createFaultServe, type FaultServe } from "./fault-serve";
import { startFaultSmtpServer, type FaultSmtpServer } from "./fault-smtp";
import { TokenSource, type PassTeacher } from "./fault-load";
import { retryOnPortClash } from "./ports";
import { registerApiClient } from "./records-support";
import { testEnv } from "./system";

export interface SplitSystem {
  dataDir: string;
  urls: { identity: string; records: string; access: string };
  /** identity and access. */
  front: FaultServe;
  records: FaultServe;
  smtp: FaultSmtpServer;
  /** An awarding service's token (itt_outcome:write). */
  awarding: TokenSource;
  /** A teacher in training whose Pass sends an invitation (pass{i}@outage.example). */
  passTeacher(i: number): PassTeacher;
  /** A teacher with QTS already (for registrations). */
  qualifiedTeacher(i: number): { trn: string; email: string; mobile: string };
  close(): Promise<void>;
}

export async function startSplitSystem(options: { teachers: number; env?: Record<string, string> }): Promise<SplitSystem> {
  const passTeacher = (i: number): PassTeacher => ({ trn: String(5_100_000 + i), birthdate: "1990-01-01", email: `pass${i}@outage.example`, ukprn: "10000001" });
  const qualifiedTeacher = (i: number) => ({ trn: String(6_100_000 + i), email: `qts${i}@outage.example`, mobile: `07400${String(i).padStart(6, "0")}` });
  const smtp = await startFaultSmtpServer();
  try {
    const started = await retryOnPortClash(async () => {
      const { dir, binary } = binaryInFreshDir();
      const dataDir = join(dir, "data");
      const { env } = testEnv({
        dataDir,
        env: {
          LOG_LEVEL: "info",
          SMTP_URL: smtp.url,
          CODE_SEND_LIMIT_PER_IP: "1000000",
          CODE_CHECK_LIMIT_PER_IP: "1000000",
          ...options.env,
        },
      });
      const lines = ["trn,first_name,last_name,date_of_birth,email,qts_date,itt_provider_ukprn,itt_provider_name,itt_result"];
      for (let i = 0; i < options.teachers; i++) {
        const t = passTeacher(i);
        lines.push(`${t.trn},Pat,Pass${i},${t.birthdate},${t.email},,${t.ukprn},Outage Provider,InTraining`);
        const q = qualifiedTeacher(i);
        // No email in the record: an import with a QTS date would invite them (issue 16); they register
        // with tokens this test makes, which carry their email.
        lines.push(`${q.trn},Quinn,Qualified${i},1991-02-03,,2025-07-01,10000001,Outage Provider,Pass`);
      }
      writeFileSync(join(dir, "teachers.csv"), lines.join("\n") + "\n");
      const front = createFaultServe({ binary, dir, env, only: ["identity", "access"] });
      const records = createFaultServe({ binary, dir, env: { ...env }, only: ["records"] });
      try {
        const imported = Bun.spawnSync([binary, "records", "import", "teachers.csv"], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } });
        if (imported.exitCode !== 0) throw new Error(`records import failed: ${imported.stderr}`);
        // As on two machines: identity registers its own clients on start; records gets one from an
        // operator (`identity clients add`), in its environment.
        await front.start();
        const recordsClient = registerApiClient(dataDir, ["trn_token:write", "introspect"]);
        records.env.RECORDS_CLIENT_ID = recordsClient.clientId;
        records.env.RECORDS_CLIENT_SECRET = recordsClient.clientSecret;
        await records.start();
        return { dir, dataDir, env, front, records };
      } catch (error) {
        await records.stop();
        await front.stop();
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    });
    const { dir, dataDir, env, front, records } = started;
    const urls = { identity: env.IDENTITY_URL, records: env.RECORDS_URL, access: env.ACCESS_URL };
    return {
      dataDir,
      urls,
      front,
      records,
      smtp,
      awarding: new TokenSource(urls.identity, registerApiClient(dataDir, ["itt_outcome:write"]), "itt_outcome:write"),
      passTeacher,
      qualifiedTeacher,
      async close() {
        await records.stop();
        await front.stop();
        await smtp.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await smtp.close();
    throw error;
  }
}

export interface OutageMeasure {
  wallMs: number;
  /** serve's CPU time over the window (all threads). */
  cpuMs: number;
  /** cpuMs / wallMs: the share of one core. */
  cpuShare: number;
  /** Log lines written over the window. */
  logLines: number;
  /** Of those, the ones not about an HTTP request a client made (the worker's own lines). */
  ownLines: number;
  /** Failed outbox attempts logged over the window. */
  failedAttempts: number;
}

/** Watches one serve process while `during` runs: its CPU time and what it logged. */
export async function measureWhile(serve: FaultServe, during: () => Promise<void>): Promise<OutageMeasure> {
  const linesBefore = serve.logLineCount();
  const cpuBefore = serve.cpuMs();
  const started = performance.now();
  await during();
  const wallMs = performance.now() - started;
  const cpuMs = serve.cpuMs() - cpuBefore;
  const lines = serve.logs().slice(linesBefore);
  return {
    wallMs,
    cpuMs,
    cpuShare: cpuMs / wallMs,
    logLines: lines.length,
    ownLines: lines.filter((line) => line.event !== "request").length,
    failedAttempts: lines.filter((line) => line.event === "outbox_attempt_failed").length,
  };
}

/**
 * The most attempts the outbox's backoff allows one message within `windowMs` of its first: the
 * n-th retry waits at least half of min(retryMax, retryMin * 2^(n-1)) (src/outbox/worker.ts,
 * retryDelay). A worker that retried faster (a hot loop) would exceed it.
 */
export function attemptsWithin(windowMs: number, retryMinMs: number, retryMaxMs: number): number {
  let attempts = 1;
  let elapsed = 0;
  for (let retry = 1; retry < 10_000; retry++) {
    elapsed += Math.min(retryMaxMs, retryMinMs * 2 ** (retry - 1)) / 2;
    if (elapsed > windowMs) break;
    attempts++;
  }
  return attempts;
}

/** Waits for `check` to hold, polling; false on timeout. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await Bun.sleep(100);
  }
  return check();
}
