// Open-loop registrations: teachers arrive at a fixed average rate (Poisson arrivals: exponential
// gaps), whether or not earlier ones have finished, as real teachers do. Closed-loop runs (a fixed
// number in flight) slow their own arrivals when the server slows, so their latency is mostly
// queueing they made themselves; here a slow server shows up as latency and unfinished journeys.
// Each virtual teacher runs the whole registration of bench/registration.ts from its own client
// address (X-Forwarded-For; serve must run with TRUST_PROXY=true), so per-IP limits see one
// teacher each and stay at their defaults.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import {
  percentiles,
  register,
  smsWaitStep,
  stepStats,
  type Percentiles,
  type RegistrationTeacher,
} from "./registration";

export interface OpenLoopResult {
  /** Teachers who arrived (started the journey). */
  arrived: number;
  finished: number;
  failed: number;
  /** Still running when the run stopped waiting (drainMs after the last arrival): counted as not finished. */
  abandoned: number;
  /** Arrivals per second actually achieved (Poisson, so near the asked rate, not equal). */
  arrivalsPerSecond: number;
  /** From the moment each teacher was due to arrive to the qualifications page, finished journeys only. */
  journey: Percentiles;
  /** Per HTTP step, and the wait for the SMS code as its own step. */
  steps: ({ step: string } & Percentiles)[];
  /** How late the generator started journeys after their due time (its own lag, on a busy machine). */
  startLag: Percentiles;
  errorSamples: string[];
}

/** Sequential client addresses from 10.0.0.0/8, one per virtual teacher across all runs. */
let nextAddress = 1;
const clientAddress = () => {
  const k = nextAddress++;
  return `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
};

export async function runOpenLoop(options: {
  urls: { access: string; identity: string };
  dataDir: string;
  /** Teachers in arrival order; the run stops arriving early if they run out. */
  teachers: RegistrationTeacher[];
  ratePerSecond: number;
  durationMs: number;
  /** How long to wait for journeys still running after the last arrival. */
  drainMs: number;
  onTick?: () => void;
}): Promise<OpenLoopResult> {
  const mailbox = new Database(join(options.dataDir, "dev-mailbox.sqlite"), { readonly: true });
  const timings = new Map<string, number[]>();
  const journeys: number[] = [];
  const lags: number[] = [];
  const errorSamples: string[] = [];
  const abort = new AbortController();
  const running = new Set<Promise<void>>();
  let failed = 0;
  let arrived = 0;
  const ticker = options.onTick ? setInterval(options.onTick, 100) : undefined;

  const started = performance.now();
  let due = started;
  while (arrived < options.teachers.length) {
    due += (-Math.log(1 - Math.random()) / options.ratePerSecond) * 1000;
    if (due - started >= options.durationMs) break;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    const teacher = options.teachers[arrived++];
    const dueAt = due;
    lags.push(performance.now() - dueAt);
    const journey = register(options.urls, teacher, mailbox, timings, {
      forwardedFor: clientAddress(),
      signal: abort.signal,
      smsPollMs: 2,
      timeSmsWait: true,
    }).then(
      // Timed from when the teacher was due, so the generator's own lag is not hidden.
      () => void (abort.signal.aborted || journeys.push(performance.now() - dueAt)),
      (error) => {
        if (abort.signal.aborted) return; // counted as abandoned
        failed++;
        if (errorSamples.length < 3) errorSamples.push((error as Error).message);
      },
    );
    running.add(journey);
    journey.finally(() => running.delete(journey));
  }
  const arrivalWindow = (performance.now() - started) / 1000;
  const drained = Promise.all(running).then(() => true);
  const gaveUp = Bun.sleep(options.drainMs).then(() => false);
  const abandoned = (await Promise.race([drained, gaveUp])) ? 0 : running.size;
  if (abandoned > 0) {
    abort.abort();
    await Promise.allSettled(running);
  }
  if (ticker) clearInterval(ticker);
  mailbox.close();
  const steps = stepStats(timings).sort((a, b) => (a.step === smsWaitStep ? 1 : b.step === smsWaitStep ? -1 : 0));
  return {
    arrived,
    finished: journeys.length,
    failed,
    abandoned,
    arrivalsPerSecond: arrived / arrivalWindow,
    journey: percentiles(journeys),
    steps,
    startLag: percentiles(lags),
    errorSamples,
  };
}
