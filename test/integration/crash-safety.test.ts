// kill -9 under load, against the built binary: Pass outcomes, POST /trn-tokens calls and whole
// registrations run at once while `serve` is killed with SIGKILL at random moments and started
// again on the same DATA_DIR and ports. Afterwards nothing a client was told is lost, every
// acknowledged Pass's invitation went out once (a duplicate only where a kill fell between the SMTP
// server accepting it and the outbox marking it sent), no account lacks its TRN, no token is
// consumed without an account, and every SQLite file passes PRAGMA integrity_check.
// CRASH_KILLS overrides the number of kills (10 in `make test`, 100 in `make soak`).
import { expect, test } from "bun:test";
import { describeDuplicates, repeat, runCrashScenario } from "../helpers/crash-scenario";
import { numberSetting, reportReliability, soakScale } from "../helpers/reliability";

const scale = soakScale();
const kills = numberSetting("CRASH_KILLS", 10 * scale);
const log = (line: string) => process.env.RELIABILITY_OUT && console.error(line);

test(
  `SIGKILL ${kills} times under load: nothing acknowledged is lost, no invitation is sent twice but for a kill mid-send`,
  async () => {
    const result = await runCrashScenario({
      // More teachers than the run can use: the loads never run dry while kills go on.
      teachers: { passes: 250 * kills, trnTokens: 150 * kills, registrations: 12 * kills },
      load: {
        passes: { concurrency: 4, pauseMs: 20 },
        trnTokens: { concurrency: 2, pauseMs: 20 },
        registrations: { concurrency: 3, pauseMs: 0 },
      },
      faults: repeat("kill", kills),
      gapMs: [0, 1500],
      startupKillShare: 0.2,
      log,
    });
    const { report: _report, ...summary } = result;
    log(JSON.stringify(summary));

    // The run did what it says: every kill struck while all three loads were acknowledged work.
    expect(result.counts.kill).toBe(kills);
    // Started after each kill (the kills while starting are not counted as starts).
    expect(result.starts).toBe(kills + 1);
    expect(result.load.passes).toBeGreaterThan(kills);
    expect(result.load.trnTokens).toBeGreaterThan(kills);
    expect(result.load.registrations).toBeGreaterThan(0);
    // Nothing a correct service would never say (a 500, a wrong answer, a page out of turn).
    expect(result.unexpected).toEqual([]);
    // Every invariant holds.
    expect(result.broken).toEqual([]);
    expect(result.report.invitations.checked).toBe(result.load.passes);
    expect(result.report.registrations.checked).toBe(result.load.registrations);

    const { report } = result;
    reportReliability({
      id: "crash-kill-9",
      fault: "`serve` killed with SIGKILL at a random moment under load (Pass outcomes, `/trn-tokens`, registrations), restarted on the same data",
      test: "test/integration/crash-safety.test.ts",
      unit: "kills",
      makeTest: 10,
      tried: result.counts.kill + result.startupKills,
      lost: report.outcomes.lost.length + report.invitations.undelivered.length + report.trnTokens.lost.length + report.registrations.lost.length,
      duplicated: result.duplicates,
      note:
        `${result.counts.kill} under load and ${result.startupKills} while starting again; ` +
        `${report.outcomes.checked} acknowledged Passes (each invitation delivered), ${report.trnTokens.checked} TRN tokens, ` +
        `${report.registrations.checked} registrations checked; ${report.accounts.count} accounts, none without its TRN; ` +
        `integrity_check ok on ${Object.keys(report.integrity).length} files; ` +
        describeDuplicates(result),
    });
  },
  // About 1.5-3 s a kill on a busy machine, and the drain.
  60_000 + kills * 5_000,
);
