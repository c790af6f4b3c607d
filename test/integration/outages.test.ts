// Outages, against the built binary run as two processes (`serve --only identity,access` and
// `serve --only records`) and a real SMTP server: the SMTP server down, identity down while
// records keeps taking outcomes, records down while teachers register. During each, the process
// waiting for the dependency backs off: its CPU stays low and its log lines stay within what the
// outbox's backoff allows. Afterwards every message is delivered, none twice, and nothing a client
// was told is lost. OUTAGE_SECONDS sets each outage's length (6 in `make test`, 60 in `make soak`).
import { expect, test } from "bun:test";
import { PassOutcomes, RegistrationWalk, openDevMailboxFile, type AcknowledgedPass, type CompletedRegistration } from "../helpers/fault-load";
import { brokenInvariants, checkFaultInvariants, outboxStatuses, type FaultReport } from "../helpers/fault-invariants";
import { attemptsWithin, eventually, measureWhile, startSplitSystem, type OutageMeasure, type SplitSystem } from "../helpers/outage-system";
import { numberSetting, reportReliability, soakScale } from "../helpers/reliability";
import { pageText } from "../helpers/identity-journey";

const scale = soakScale();
const outageMs = numberSetting("OUTAGE_SECONDS", scale > 1 ? 60 : 6) * 1000;
/** Passes (or teachers) per outage. */
const messages = 20 * scale;
/** The outbox's retry settings in these tests: the production defaults, said out loud for the bound below. */
const retryMinMs = 2_000;
const retryMaxMs = 15 * 60_000;
const outboxEnv = { OUTBOX_RETRY_MIN: "2s", OUTBOX_RETRY_MAX: "15m" };
/** A message's next try after the outage may come up to one backoff step later. */
const timeoutMs = 90_000 + outageMs * 3;
/** CPU while waiting for a dependency: a share of one core that a hot loop would blow far past. */
const idleCpuShare = 0.1;
const log = (line: string) => process.env.RELIABILITY_OUT && console.error(line);
const seconds = `${outageMs / 1000} s`;

/** Records a Pass for teachers [from, to) at an even pace over `overMs`; each must get its 2xx at the first try. */
async function recordPasses(system: SplitSystem, from: number, to: number, overMs = 0): Promise<Map<string, AcknowledgedPass>> {
  const teachers = Array.from({ length: to - from }, (_, i) => system.passTeacher(from + i));
  const driver = new PassOutcomes(system.urls.records, system.awarding, teachers, { concurrency: 1, pauseMs: overMs / teachers.length }, "2026-07-01");
  await driver.start().finished();
  expect(driver.unexpected).toEqual([]);
  expect(driver.noAnswers).toBe(0);
  expect(driver.notNow).toBe(0);
  expect(driver.acknowledged.size).toBe(teachers.length);
  return driver.acknowledged;
}

/** Waits for records' outbox to have nothing left to send. */
async function recordsOutboxDrained(system: SplitSystem): Promise<void> {
  const drained = await eventually(() => !outboxStatuses(system.dataDir, "records.sqlite").pending, timeoutMs - outageMs - 30_000);
  expect(drained).toBe(true);
}

/** The invariants, with both processes stopped. */
async function finalCheck(system: SplitSystem, passes: Map<string, AcknowledgedPass>, registrations = new Map<string, CompletedRegistration>()): Promise<FaultReport> {
  await system.records.stop();
  await system.front.stop();
  await system.smtp.settled();
  const report = checkFaultInvariants(system.dataDir, { passes, trnTokens: [], registrations, kills: [] }, system.smtp.messages);
  log(JSON.stringify(report));
  expect(brokenInvariants(report)).toEqual([]);
  // No kill here, so no duplicate is allowed at all.
  expect(report.invitations.duplicates).toEqual([]);
  return report;
}

/**
 * No hot loop, no flood: under a tenth of a core, and per message no more log lines than its
 * outcome recorded, its link stored, and one warning per failed try as often as the backoff allows.
 */
function expectBackedOff(measure: OutageMeasure, pending: number) {
  const bound = pending * (attemptsWithin(measure.wallMs, retryMinMs, retryMaxMs) + 2) + 10;
  log(JSON.stringify({ pending, ...measure, bound }));
  expect(measure.cpuShare).toBeLessThan(idleCpuShare);
  expect(measure.ownLines).toBeLessThanOrEqual(bound);
}

const describeMeasure = (who: string, m: OutageMeasure) =>
  `${who} used ${(m.cpuShare * 100).toFixed(1)}% of a core and wrote ${m.ownLines} log lines of its own (${m.failedAttempts} failed tries) over the ${(m.wallMs / 1000).toFixed(0)} s`;

test(
  `SMTP down for ${seconds}: Passes are taken, the worker backs off, then every invitation goes out once`,
  async () => {
    const system = await startSplitSystem({ teachers: messages, env: outboxEnv });
    try {
      await system.smtp.down();
      let passes = new Map<string, AcknowledgedPass>();
      const measure = await measureWhile(system.records, async () => {
        const started = Date.now();
        passes = await recordPasses(system, 0, messages, outageMs / 2);
        await Bun.sleep(Math.max(0, outageMs - (Date.now() - started)));
      });
      expect(passes.size).toBe(messages);
      expect(system.smtp.messages).toEqual([]);
      // Every message was tried while SMTP was down, and failed.
      expect(measure.failedAttempts).toBeGreaterThanOrEqual(messages);
      expectBackedOff(measure, messages);

      await system.smtp.up();
      await recordsOutboxDrained(system);
      const report = await finalCheck(system, passes);
      reportReliability({
        id: "outage-smtp",
        fault: "SMTP server down (6 s in `make test`, 60 s in `make soak`), then back; Passes recorded meanwhile",
        test: "test/integration/outages.test.ts",
        unit: "outages",
        makeTest: 1,
        tried: 1,
        lost: report.outcomes.lost.length + report.invitations.undelivered.length,
        duplicated: report.invitations.duplicates.length,
        note: `${passes.size} invitations held and then delivered once each; ${describeMeasure("records", measure)}`,
      });
    } finally {
      await system.close();
    }
  },
  timeoutMs,
);

test(
  `identity down for ${seconds} while records keeps taking outcomes: every invitation goes out once it is back`,
  async () => {
    const system = await startSplitSystem({ teachers: messages + 1, env: outboxEnv });
    try {
      // Before: a Pass goes out as usual (and records has identity's keys, as in steady running).
      const before = await recordPasses(system, 0, 1);
      await recordsOutboxDrained(system);

      await system.front.stop();
      let during = new Map<string, AcknowledgedPass>();
      const measure = await measureWhile(system.records, async () => {
        const started = Date.now();
        during = await recordPasses(system, 1, messages + 1, outageMs / 2);
        await Bun.sleep(Math.max(0, outageMs - (Date.now() - started)));
      });
      // records took every outcome while identity was down; no invitation could go out.
      expect(during.size).toBe(messages);
      expect(system.smtp.messages).toHaveLength(1);
      expect(measure.failedAttempts).toBeGreaterThanOrEqual(messages);
      expectBackedOff(measure, messages);

      await system.front.start();
      await recordsOutboxDrained(system);
      const passes = new Map([...before, ...during]);
      const report = await finalCheck(system, passes);
      reportReliability({
        id: "outage-identity",
        fault: "identity down (6 s in `make test`, 60 s in `make soak`) while records keeps taking outcomes, then back",
        test: "test/integration/outages.test.ts",
        unit: "outages",
        makeTest: 1,
        tried: 1,
        lost: report.outcomes.lost.length + report.invitations.undelivered.length,
        duplicated: report.invitations.duplicates.length,
        note: `${during.size} Passes acknowledged during the outage, each invitation (one TRN token each) delivered once after; ${describeMeasure("records", measure)}`,
      });
    } finally {
      await system.close();
    }
  },
  timeoutMs,
);

test(
  `records down for ${seconds} while teachers register: "try again later", the journey is kept, and everyone finishes`,
  async () => {
    const teachers = Math.max(2, messages / 4);
    const system = await startSplitSystem({ teachers: 2 * teachers, env: outboxEnv });
    const mailbox = openDevMailboxFile(system.dataDir);
    try {
      // Each teacher's invitation, from a Pass, as in real life.
      const passes = await recordPasses(system, 0, 2 * teachers);
      await recordsOutboxDrained(system);
      // The SMTP server answers 250 before it has parsed a message (as a relay queues it).
      await system.smtp.settled();
      const walks = Array.from({ length: 2 * teachers }, (_, i) => {
        const pass = system.passTeacher(i);
        const [email] = system.smtp.to(pass.email);
        const token = decodeURIComponent(/\/register\?trn_token=([A-Za-z0-9_%-]+)/.exec(email.text)![1]);
        return { token, walk: new RegistrationWalk(system.urls, mailbox, { trn: pass.trn, email: pass.email, mobile: `07400${String(i).padStart(6, "0")}` }) };
      });
      const early = walks.slice(0, teachers);
      const late = walks.slice(teachers);
      // The early ones opened their link before the outage: identity has their record.
      for (const { walk, token } of early) expect((await walk.open(token)).status).toBe(200);

      await system.records.stop();
      const registrations = new Map<string, CompletedRegistration>();
      const done = (walk: RegistrationWalk, token: string) =>
        registrations.set(walk.teacher.trn, { trn: walk.teacher.trn, email: walk.teacher.email, tokenHash: new Bun.CryptoHasher("sha256").update(token).digest("hex"), at: Date.now() });
      const measure = await measureWhile(system.front, async () => {
        const started = Date.now();
        for (const { walk, token } of early) {
          // identity needs records only to find the teacher's record, which it already has.
          const back = await walk.finish();
          done(walk, token);
          // access cannot show the qualifications without records, and says so.
          const landed = await walk.browser.go(back, [new URL(system.urls.access).origin, new URL(system.urls.identity).origin]);
          expect(landed.status).toBe(503);
          expect(pageText(landed.text)).toContain("Sorry, we cannot show your qualifications at the moment");
        }
        for (const { walk, token } of late) {
          const page = await walk.open(token);
          expect(page.status).toBe(503);
          expect(pageText(page.text)).toContain("Sorry, you cannot create your account at the moment");
          expect(pageText(page.text)).toContain("Try again later using the same link");
        }
        await Bun.sleep(Math.max(0, outageMs - (Date.now() - started)));
        // Still down: a refresh gets the same answer, and uses nothing up.
        for (const { walk } of late) expect((await walk.refresh()).status).toBe(503);
      });
      expect(measure.cpuShare).toBeLessThan(idleCpuShare);
      log(JSON.stringify({ teachers, ...measure }));

      await system.records.start();
      for (const { walk, token } of late) {
        // The teacher refreshes the page they were on: the journey carries on from there.
        const page = await walk.refresh();
        expect(page.status).toBe(200);
        expect(new URL(page.url).pathname).toBe("/register");
        await walk.finish();
        done(walk, token);
      }
      expect(registrations.size).toBe(2 * teachers);
      const report = await finalCheck(system, passes, registrations);
      expect(report.accounts.count).toBe(2 * teachers);
      reportReliability({
        id: "outage-records",
        fault: "records down (6 s in `make test`, 60 s in `make soak`) while teachers register, then back",
        test: "test/integration/outages.test.ts",
        unit: "outages",
        makeTest: 1,
        tried: 1,
        lost: report.registrations.lost.length,
        duplicated: report.invitations.duplicates.length,
        note:
          `${teachers} teachers finished registering during the outage, ${teachers} saw "try again later" and finished with the same link after; ` +
          describeMeasure("identity and access", measure),
      });
    } finally {
      mailbox.close();
      await system.close();
    }
  },
  timeoutMs,
);
