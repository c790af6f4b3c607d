// The long mixed load of `make soak`: for SOAK_MINUTES (30 by default), Pass outcomes, POST
// /trn-tokens calls and whole registrations at a steady pace against the built binary, while every
// 10-40 s a fault strikes at random: SIGKILL (most often), a graceful restart (SIGTERM), or the
// SMTP server going down for 5-20 s. Then the same invariants as the crash-safety test.
// Run alone: `bun soak/mixed-load.ts` (SOAK_MINUTES=1 for a short one).
import { describeDuplicates, mixedFaults, runCrashScenario } from "../test/helpers/crash-scenario";
import { numberSetting, reportReliability, type ReliabilityRow } from "../test/helpers/reliability";

export async function runMixedLoad(minutes: number, log: (line: string) => void): Promise<{ row: ReliabilityRow; broken: string[] }> {
  const seconds = minutes * 60;
  log(`Mixed load for ${minutes} min, faults every 10-40 s...`);
  const result = await runCrashScenario({
    // Enough teachers for the paces below (about 25 Passes, 5 tokens and 3 registrations a second at most).
    teachers: { passes: Math.ceil(30 * seconds) + 1000, trnTokens: Math.ceil(6 * seconds) + 200, registrations: Math.ceil(4 * seconds) + 100 },
    load: {
      passes: { concurrency: 2, pauseMs: 80 },
      trnTokens: { concurrency: 1, pauseMs: 200 },
      registrations: { concurrency: 2, pauseMs: 500 },
    },
    faults: mixedFaults(seconds * 1000, { kill: 6, restart: 2, "smtp-down": 2 }),
    gapMs: [10_000, 40_000],
    startupKillShare: 0.2,
    smtpDownMs: [5_000, 20_000],
    drainTimeoutMs: 180_000,
    log,
  });
  const { report } = result;
  const lost = report.outcomes.lost.length + report.invitations.undelivered.length + report.trnTokens.lost.length + report.registrations.lost.length;
  const broken = [...result.broken, ...result.unexpected.map((u) => `unexpected answer: ${u.what} ${u.status} ${u.body.slice(0, 120)}`)];
  const row: ReliabilityRow = {
    id: "mixed-load",
    fault: `Mixed load for SOAK_MINUTES (30 by default): Passes, \`/trn-tokens\`, registrations, with a SIGKILL, a graceful restart or an SMTP outage (5-20 s) every 10-40 s`,
    test: "soak/mixed-load.ts",
    unit: "minutes",
    makeTest: 0,
    tried: minutes,
    lost,
    duplicated: result.duplicates,
    note:
      `${result.counts.kill} SIGKILLs (and ${result.startupKills} more while starting again), ${result.counts.restart} graceful restarts, ${result.counts["smtp-down"]} SMTP outages; ` +
      `${result.load.passes} Passes, ${result.load.trnTokens} TRN tokens, ${result.load.registrations} registrations acknowledged and found; ` +
      `${report.accounts.count} accounts, none without its TRN; integrity_check ok on ${Object.values(report.integrity).filter((r) => r === "ok").length} files; ` +
      describeDuplicates(result) +
      (broken.length ? `; BROKEN: ${broken.join("; ")}` : ""),
  };
  return { row, broken };
}

if (import.meta.main) {
  const minutes = numberSetting("SOAK_MINUTES", 30);
  const { row, broken } = await runMixedLoad(minutes, (line) => console.error(line));
  reportReliability(row);
  console.log(JSON.stringify(row, null, 2));
  if (broken.length) process.exit(1);
}
