// The crash-safety scenario, shared by test/integration/crash-safety.test.ts (a fixed number of
// SIGKILLs) and soak/mixed-load.ts (a mixed load for minutes, with kills, graceful restarts and
// SMTP outages at random): the built binary serves all three services on one DATA_DIR with a real
// SMTP server; an awarding service records Passes, records' client asks for TRN tokens, and
// teachers register, all at once; faults strike at random moments, and serve is started again each
// time on the same data and ports. At the end the load stops, the outboxes drain, serve stops, and
// every invariant is checked (fault-invariants.ts).
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { binaryInFreshDir } from "./binary";
import { createFaultServe, type FaultServe } from "./fault-serve";
import { startFaultSmtpServer, type FaultSmtpServer } from "./fault-smtp";
import {
  PassOutcomes,
  Registrations,
  TokenSource,
  TrnTokenCalls,
  type LoadOptions,
  type PassTeacher,
  type RegisteringTeacher,
  type Unexpected,
} from "./fault-load";
import { brokenInvariants, checkFaultInvariants, duplicateCount, orphanTokenCount, outboxesDrained, type FaultLedger, type FaultReport } from "./fault-invariants";
import { retryOnPortClash } from "./ports";
import { registerApiClient } from "./records-support";
import { testEnv } from "./system";

export type Fault = "kill" | "restart" | "smtp-down";

export interface CrashScenarioOptions {
  /** The share of kills followed by a second kill while serve starts again (0-300 ms after exec). */
  startupKillShare?: number;
  /** Teachers available to each load (a load stops early when its teachers run out). */
  teachers: { passes: number; trnTokens: number; registrations: number };
  load: { passes: LoadOptions; trnTokens: LoadOptions; registrations: LoadOptions };
  /** The faults, in order; the scenario ends after the last (or when `over()` says so, before striking). */
  faults: { next(): Fault | undefined; over?(): boolean };
  /** Random wait before each fault, measured from serve (re)starting, in ms. */
  gapMs: [number, number];
  /** How long an SMTP outage lasts, in ms. */
  smtpDownMs?: [number, number];
  /** How long the outboxes may take to drain at the end. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface CrashScenarioResult {
  report: FaultReport;
  broken: string[];
  /** Duplicate emails (copies beyond the first), each from a kill mid-send. */
  duplicates: number;
  /** TRN tokens issued for an invitation whose link was never stored (a kill in between); never sent. */
  orphanTokens: number;
  counts: Record<Fault, number>;
  /** Extra SIGKILLs that struck while serve was starting again. */
  startupKills: number;
  starts: number;
  elapsedMs: number;
  load: {
    passes: number;
    trnTokens: number;
    registrations: number;
    registrationRestarts: number;
    /** Requests that got no answer because serve was down or died. */
    noAnswers: number;
  };
  unexpected: Unexpected[];
  /** Log lines of every run, by level. */
  logLevels: Record<string, number>;
}

const between = ([min, max]: [number, number]) => min + Math.random() * (max - min);
const assessmentDate = "2026-07-01";
const ukprn = "10000001";

const passTeacher = (i: number): PassTeacher => ({ trn: String(5_000_000 + i), birthdate: "1990-01-01", email: `pass${i}@crash.example`, ukprn });
const registeringTeacher = (i: number): RegisteringTeacher => ({
  trn: String(6_000_000 + i),
  email: `reg${i}@crash.example`,
  mobile: `07400${String(i).padStart(6, "0")}`,
});

/** The CSV `records import` loads: teachers in training (for the Passes) and teachers with QTS (who register). */
function teachersCsv(options: CrashScenarioOptions["teachers"]): string {
  const lines = ["trn,first_name,last_name,date_of_birth,email,qts_date,itt_provider_ukprn,itt_provider_name,itt_result"];
  for (let i = 0; i < options.passes; i++) {
    const t = passTeacher(i);
    lines.push(`${t.trn},Pat,Pass${i},${t.birthdate},${t.email},,${ukprn},Crash Provider,InTraining`);
  }
  for (let i = 0; i < options.registrations; i++) {
    const t = registeringTeacher(i);
    // No email in the record: an import with a QTS date would invite them (issue 16); they register
    // with tokens this test makes, which carry their email.
    lines.push(`${t.trn},Reg,Teacher${i},1991-02-03,,2025-07-01,${ukprn},Crash Provider,Pass`);
  }
  return lines.join("\n") + "\n";
}

export async function runCrashScenario(options: CrashScenarioOptions): Promise<CrashScenarioResult> {
  const log = options.log ?? (() => {});
  const smtp = await startFaultSmtpServer();
  const { dir, serve, dataDir } = await retryOnPortClash(async () => {
    const { dir, binary } = binaryInFreshDir();
    const dataDir = join(dir, "data");
    const { env } = testEnv({
      dataDir,
      env: {
        LOG_LEVEL: "info",
        SMTP_URL: smtp.url,
        // A message claimed by a killed process is tried again this soon after its claim.
        OUTBOX_CLAIM_TIMEOUT: "2s",
        OUTBOX_RETRY_MIN: "200ms",
        OUTBOX_RETRY_MAX: "2s",
        // Every simulated teacher comes from 127.0.0.1, and a broken journey sends its code again.
        CODE_SEND_LIMIT_PER_IP: "1000000",
        CODE_CHECK_LIMIT_PER_IP: "1000000",
        CODE_SEND_LIMIT_PER_ADDRESS: "1000",
        CODE_CHECK_LIMIT_PER_ADDRESS: "1000",
      },
    });
    try {
      writeFileSync(join(dir, "teachers.csv"), teachersCsv(options.teachers));
      const imported = Bun.spawnSync([binary, "records", "import", "teachers.csv"], { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env } });
      if (imported.exitCode !== 0) throw new Error(`records import failed: ${imported.stderr}`);
      const serve = createFaultServe({ binary, dir, env });
      await serve.start();
      return { dir, serve, dataDir };
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  });
  const started = Date.now();
  const counts: Record<Fault, number> = { kill: 0, restart: 0, "smtp-down": 0 };
  let startupKills = 0;
  const ledgerKills: number[] = [];
  try {
    const urls = { identity: serve.env.IDENTITY_URL, records: serve.env.RECORDS_URL, access: serve.env.ACCESS_URL };
    const awarding = new TokenSource(urls.identity, registerApiClient(dataDir, ["itt_outcome:write"]), "itt_outcome:write");
    const trnTokenClient = new TokenSource(urls.identity, registerApiClient(dataDir, ["trn_token:write"]), "trn_token:write");

    const { teachers, load } = options;
    const passes = new PassOutcomes(urls.records, awarding, Array.from({ length: teachers.passes }, (_, i) => passTeacher(i)), load.passes, assessmentDate).start();
    const tokens = new TrnTokenCalls(
      urls.identity,
      trnTokenClient,
      Array.from({ length: teachers.trnTokens }, (_, i) => ({ trn: String(7_000_000 + i), email: `token${i}@crash.example` })),
      load.trnTokens,
    ).start();
    const registrations = new Registrations(
      urls,
      dataDir,
      trnTokenClient,
      Array.from({ length: teachers.registrations }, (_, i) => registeringTeacher(i)),
      { ...load.registrations, attempts: 5 },
    ).start();

    for (let fault = options.faults.next(); fault; fault = options.faults.next()) {
      await Bun.sleep(between(options.gapMs));
      if (options.faults.over?.()) break;
      counts[fault]++;
      if (fault === "kill") {
        ledgerKills.push(Date.now());
        await serve.kill();
        if (Math.random() < (options.startupKillShare ?? 0)) {
          // Killed again while starting: before its banner, or just after.
          startupKills++;
          ledgerKills.push(await serve.killWhileStarting(Math.random() * 300));
        }
        await serve.start();
      } else if (fault === "restart") {
        await serve.stop();
        await serve.start();
      } else {
        await smtp.down();
        await Bun.sleep(between(options.smtpDownMs ?? [1000, 5000]));
        await smtp.up();
      }
      log(`  ${fault} ${counts[fault]} (${Math.round((Date.now() - started) / 1000)} s: ${passes.acknowledged.size} Passes, ${registrations.acknowledged.size} registrations)`);
    }

    log("  stopping the load and letting the outboxes drain...");
    await Promise.all([passes.stop(), tokens.stop(), registrations.stop()]);
    const drained = await outboxesDrained(dataDir, options.drainTimeoutMs ?? 60_000);
    if (!drained) log("  the outboxes did not drain in time");
    await serve.stop();

    const ledger: FaultLedger = {
      passes: passes.acknowledged,
      trnTokens: [...tokens.acknowledged, ...registrations.issued],
      registrations: registrations.acknowledged,
      kills: ledgerKills,
    };
    await smtp.settled();
    const report = checkFaultInvariants(dataDir, ledger, smtp.messages);
    const logLevels: Record<string, number> = {};
    for (const line of serve.logs()) logLevels[String(line.level)] = (logLevels[String(line.level)] ?? 0) + 1;
    return {
      report,
      broken: brokenInvariants(report),
      duplicates: duplicateCount(report),
      orphanTokens: orphanTokenCount(report),
      counts,
      startupKills,
      starts: serve.starts,
      elapsedMs: Date.now() - started,
      load: {
        passes: passes.acknowledged.size,
        trnTokens: ledger.trnTokens.length,
        registrations: registrations.acknowledged.size,
        registrationRestarts: registrations.restarts,
        noAnswers: passes.noAnswers + tokens.noAnswers + registrations.noAnswers,
      },
      unexpected: [...passes.unexpected, ...tokens.unexpected, ...registrations.unexpected],
      logLevels,
    };
  } finally {
    await serve.stop();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fault plan: `count` faults of one kind. */
export function repeat(fault: Fault, count: number): CrashScenarioOptions["faults"] {
  let left = count;
  return { next: () => (left-- > 0 ? fault : undefined) };
}

/** A fault plan: faults drawn at random by weight until `durationMs` has passed. */
export function mixedFaults(durationMs: number, weights: Record<Fault, number>): CrashScenarioOptions["faults"] {
  const end = Date.now() + durationMs;
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return {
    over: () => Date.now() >= end,
    next() {
      if (Date.now() >= end) return undefined;
      let pick = Math.random() * total;
      for (const [fault, weight] of Object.entries(weights) as [Fault, number][]) if ((pick -= weight) < 0) return fault;
      return "kill";
    },
  };
}

/** What a run's duplicates and extra tokens were, for a report row. */
export function describeDuplicates(result: CrashScenarioResult): string {
  const kills = result.report.invitations.duplicates.map((d) => d.killAfterMs).filter((ms): ms is number => ms !== undefined);
  const window = result.report.invitations.acceptedToMarkedMs;
  const emails =
    (result.duplicates === 0
      ? "no email sent twice"
      : `${result.duplicates} email(s) sent twice, each by a kill at most ${Math.max(...kills)} ms after the SMTP server accepted it, before the outbox marked it sent`) +
    (window ? ` (that window, per email: p50 ${window.p50} ms, p99 ${window.p99} ms, max ${window.max} ms)` : "");
  const tokens =
    result.orphanTokens === 0
      ? "no TRN token issued without being sent"
      : `${result.orphanTokens} TRN token(s) issued but never sent (identity keeps only their hash), each by a kill before records stored the link`;
  return `${emails}; ${tokens}`;
}
