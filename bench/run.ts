// `make bench`: measures the built binary against DESIGN's "Speed and size" figures, on free
// loopback ports with a temporary data directory, and compares each figure with a yardstick
// measured in the same run on the same machine (bench/baseline-server.ts: a bare Bun.serve that
// hashes a token and inserts a row into WAL SQLite). Prints a table; writes bench/results.json.
// Never part of the tests: numbers depend on the machine and on what else runs on it.
//
// Settings (environment): BENCH_SECONDS (measured seconds per load, default 5),
// BENCH_CONCURRENCY (requests in flight, default 32), BENCH_TEACHERS (teachers seeded for the
// itt-outcome run, default 60000), BENCH_REGISTRATIONS (whole registrations over HTTP, default
// 1000), BENCH_LARGE (e.g. 1000000: then grow the databases to that many teachers and accounts
// and measure the API loads again; off by default, it takes minutes), BENCH_ONLY (comma-separated:
// token, trn-tokens, itt-outcome, registration, open-loop, certificates, check, webhooks; the loads to run, all by default),
// BENCH_WEBHOOK_EVENTS (events queued for the delivery-rate run, default 5000), BENCH_WEBHOOK_REGISTRATIONS
// (registrations with and without a subscriber, default 300 each),
// BENCH_OPEN_SECONDS (seconds of arrivals per open-loop run, default 30), BENCH_OPEN_RATES
// (registrations a second, comma-separated, default 50,100,150; plus one at 100/s right after a restart), BENCH_PROFILE=DIR (run serve from source under Bun's CPU
// profiler and write a profile per run into DIR; the numbers are then not comparable), BENCH_PRELOAD=FILE
// (with BENCH_PROFILE: a module serve preloads, e.g. one that times each SQL statement), BENCH_BINARY=PATH
// (measure another build, e.g. an older release's, instead of dist/teacher-id).
import { Database } from "bun:sqlite";
import { cpus } from "node:os";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../test/helpers/ports";
import { runLoad, type LoadResult } from "./load";
import { runOpenLoop, type OpenLoopResult } from "./open-loop";
import { runRegistrations, type RegistrationTeacher } from "./registration";
import { startSmtpSink } from "./smtp-sink";
import { startWebhookSubscriber } from "./webhook-subscriber";

const root = resolve(import.meta.dir, "..");
const binary = process.env.BENCH_BINARY ? resolve(process.env.BENCH_BINARY) : join(root, "dist/teacher-id");
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const teacherCount = Number(process.env.BENCH_TEACHERS ?? 60_000);
const work = mkdtempSync(join(tmpdir(), "teacher-id-bench-"));
const loads = ["token", "trn-tokens", "itt-outcome", "registration", "open-loop", "certificates", "check", "webhooks"] as const;
const registrationCount = Number(process.env.BENCH_REGISTRATIONS ?? 1000);
const largeCount = Number(process.env.BENCH_LARGE ?? 0);
const webhookEventCount = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 5000);
const webhookRegistrationCount = Number(process.env.BENCH_WEBHOOK_REGISTRATIONS ?? 300);
/** Registrations before the measured ones (the first runs of each page pay for compilation). */
const webhookWarmUp = 100;
const openSeconds = Number(process.env.BENCH_OPEN_SECONDS ?? 30);
const openRates = (process.env.BENCH_OPEN_RATES ?? "50,100,150").split(",").map(Number);
if (!(openSeconds > 0) || !openRates.every((rate) => rate > 0))
  throw new Error("BENCH_OPEN_SECONDS and BENCH_OPEN_RATES must be positive numbers");
/** The open-loop run that starts right after a restart, with no warm-up. */
const coldRate = 100;
const only = new Set((process.env.BENCH_ONLY ?? loads.join(",")).split(",").map((s) => s.trim()));
for (const name of only)
  if (!(loads as readonly string[]).includes(name))
    throw new Error(`BENCH_ONLY: unknown load '${name}' (${loads.join(", ")})`);
const profileDir = process.env.BENCH_PROFILE ? resolve(process.env.BENCH_PROFILE) : undefined;
const serveCommand = profileDir
  ? [
      process.execPath,
      "--cpu-prof",
      "--cpu-prof-md",
      `--cpu-prof-dir=${profileDir}`,
      ...(process.env.BENCH_PRELOAD ? ["--preload", resolve(process.env.BENCH_PRELOAD)] : []),
      join(root, "src/main.ts"),
      "serve",
    ]
  : [binary, "serve"];

interface Row {
  measure: string;
  value?: number;
  unit: string;
  baseline?: number;
  target?: string;
  note?: string;
  skipped?: string;
  latency?: { p50Ms: number; p99Ms: number; maxMs: number };
  /** Names what `baseline` is when it is not the yardstick. */
  baselineName?: string;
  steps?: { step: string; count: number; p50Ms: number; p99Ms: number; maxMs: number }[];
  /** Open-loop rows: the whole run's figures, and /proc/loadavg before and after. */
  openLoop?: Omit<OpenLoopResult, "steps"> & { serveCpuMsPerRegistration: number; loadavg: [string, string] };
}
const rows: Row[] = [];
const log = (line: string) => process.stderr.write(line + "\n");

// ---------------------------------------------------------------- processes

interface Started {
  proc: Subprocess<"ignore", "ignore", "pipe">;
  /** exec to the first 200 from every health URL */
  startupMs: number;
  stderr(): string;
}

async function start(cmd: string[], env: Record<string, string>, healthUrls: string[]): Promise<Started> {
  let stderr = "";
  const t0 = performance.now();
  // From source (BENCH_PROFILE), Bun needs the repo as working directory to find tsconfig.json.
  const proc = Bun.spawn(cmd, {
    cwd: cmd[0] === binary ? work : root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) stderr += decoder.decode(chunk, { stream: true });
  })();
  const pending = new Set(healthUrls);
  const deadline = t0 + 15_000;
  while (pending.size > 0) {
    if (proc.exitCode !== null) throw new Error(`${cmd.join(" ")} exited with ${proc.exitCode}:\n${stderr}`);
    if (performance.now() > deadline)
      throw new Error(`${cmd.join(" ")} did not answer on ${[...pending].join(", ")}:\n${stderr}`);
    await Promise.all(
      [...pending].map(async (url) => {
        try {
          if ((await fetch(url)).status === 200) pending.delete(url);
        } catch {
          // not listening yet
        }
      }),
    );
    if (pending.size > 0) await Bun.sleep(1);
  }
  const startupMs = performance.now() - t0;
  // The banner follows the listeners; give it a moment to arrive.
  for (let i = 0; i < 100 && cmd.includes("serve") && !stderr.includes("Press Ctrl+C"); i++) await Bun.sleep(10);
  return { proc, startupMs, stderr: () => stderr };
}

async function stop(started: Started): Promise<void> {
  started.proc.kill("SIGTERM");
  const timer = setTimeout(() => started.proc.kill("SIGKILL"), 10_000);
  await started.proc.exited;
  clearTimeout(timer);
}

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * CPU time (user + system, every thread) a process has used so far, in ms (/proc, 100 ticks a
 * second). Per request it does not depend on what else runs on the machine the way req/s does.
 */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function load(
  name: string,
  pid: number,
  peak: { mb: number },
  request: (i: number) => Request,
  expectStatus: number[],
  maxRequests = 1_000_000,
): Promise<LoadResult & { serveCpuUsPerRequest: number }> {
  log(`  ${name}: ${concurrency} in flight, ${seconds}s measured...`);
  const cpuBefore = cpuMs(pid);
  const result = await runLoad({
    concurrency,
    warmupMs: 1000,
    durationMs: seconds * 1000,
    maxRequests,
    request,
    expectStatus,
    onTick: () => (peak.mb = Math.max(peak.mb, rssMb(pid))),
  });
  if (result.errors > 0) log(`    ${result.errors} unexpected answers, e.g. ${result.errorSamples.join(" | ")}`);
  // Warm-up included on both sides: CPU over the whole run, divided by every answer.
  return { ...result, serveCpuUsPerRequest: ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, result.totalOk + result.errors) };
}

/** One request first: a missing endpoint is skipped with a message rather than measured as errors. */
async function probe(request: Request, expectStatus: number[]): Promise<string | undefined> {
  try {
    const response = await fetch(request);
    const body = await response.text();
    if (expectStatus.includes(response.status)) return undefined;
    if (response.status === 404) return `${request.method} ${new URL(request.url).pathname} is not there yet (404)`;
    return `${request.method} ${new URL(request.url).pathname} answered ${response.status}: ${body.slice(0, 160)}`;
  } catch (error) {
    return `${request.method} ${request.url} failed: ${(error as Error).message}`;
  }
}

const note = (r: LoadResult & { serveCpuUsPerRequest?: number }) =>
  [
    r.errors > 0 ? `${r.errors} errors of ${r.requests}` : undefined,
    r.serveCpuUsPerRequest !== undefined ? `server CPU ${r.serveCpuUsPerRequest.toFixed(0)} µs/request` : undefined,
  ]
    .filter(Boolean)
    .join("; ") || undefined;
const latency = (r: LoadResult) => ({ p50Ms: r.p50Ms, p99Ms: r.p99Ms, maxMs: r.maxMs });

// ---------------------------------------------------------------- the yardstick

async function measureBaseline(): Promise<{ startupMs: number; idleMb: number; perSecond: number; loadMb: number }> {
  log("Yardstick: bare Bun.serve + sha256 + WAL SQLite insert");
  const compiled = join(work, "baseline-server");
  const build = Bun.spawnSync(
    [
      process.execPath,
      "build",
      join(import.meta.dir, "baseline-server.ts"),
      "--compile",
      "--bytecode",
      "--format=esm",
      "--outfile",
      compiled,
    ],
    { cwd: root },
  );
  if (build.exitCode !== 0) throw new Error(`could not compile the yardstick: ${build.stderr}`);
  const startups: number[] = [];
  let running: Started | undefined;
  for (let i = 0; i < 5; i++) {
    const port = freePort();
    running = await start([compiled, String(port), join(work, `baseline-${i}.sqlite`)], {}, [
      `http://127.0.0.1:${port}/health`,
    ]);
    startups.push(running.startupMs);
    if (i < 4) await stop(running);
  }
  await Bun.sleep(1000);
  const idleMb = rssMb(running!.proc.pid);
  await stop(running!);
  const loadPort = freePort();
  const served = await start([compiled, String(loadPort), join(work, "baseline-load.sqlite")], {}, [
    `http://127.0.0.1:${loadPort}/health`,
  ]);
  const peak = { mb: 0 };
  const result = await load(
    "POST (yardstick)",
    served.proc.pid,
    peak,
    (i) =>
      new Request(`http://127.0.0.1:${loadPort}/trn-tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ trn: String(1_000_000 + i), email: `teacher${i}@example.com` }),
      }),
    [201],
  );
  await stop(served);
  return { startupMs: median(startups), idleMb, perSecond: result.perSecond, loadMb: peak.mb };
}

// ---------------------------------------------------------------- teacher-id

function serveEnv(dataDir: string, ports: number[], smtpUrl: string): Record<string, string> {
  const [identity, records, access] = ports;
  return {
    ENVIRONMENT: "development",
    DATA_DIR: dataDir,
    IDENTITY_PORT: String(identity),
    RECORDS_PORT: String(records),
    ACCESS_PORT: String(access),
    IDENTITY_URL: `http://127.0.0.1:${identity}`,
    RECORDS_URL: `http://127.0.0.1:${records}`,
    ACCESS_URL: `http://127.0.0.1:${access}`,
    // A free port: a `make run` on this machine holds the default 4003.
    METRICS_PORT: "0",
    SMTP_URL: smtpUrl,
    LOG_LEVEL: "info",
    // Every simulated teacher comes from 127.0.0.1: per-IP limits would stop the registration run.
    CODE_SEND_LIMIT_PER_IP: "1000000",
    CODE_CHECK_LIMIT_PER_IP: "1000000",
    AUTHORIZATION_REQUEST_LIMIT_PER_IP: "1000000",
    JOURNEY_LIMIT_PER_IP: "1000000",
    ACCESS_SIGN_IN_LIMIT_PER_IP: "1000000",
    // The API loads run one client (the demo awarding service) at thousands a second: its per-client
    // limit (API_RATE_LIMIT, 1000 a minute by default) is still counted on every request, never reached.
    API_RATE_LIMIT: "10000000",
    ACCESS_CHECK_LIMIT_PER_IP: "100000000",
  };
}

const healthUrls = (env: Record<string, string>) =>
  [env.IDENTITY_URL, env.RECORDS_URL, env.ACCESS_URL].map((u) => `${u}/health`);

/** Loads the teachers the itt-outcome run awards, as an operator would (`records import`). */
function importTeachers(env: Record<string, string>, count: number): string | undefined {
  const csv = join(work, "teachers.csv");
  const lines = ["trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_result"];
  for (let i = 0; i < (only.has("itt-outcome") ? count : 0); i++)
    lines.push(
      `${benchTrn(i)},Bench,Teacher${i},1990-01-01,teacher${i}@bench.example,10000001,Bench Provider,InTraining`,
    );
  // Teachers who register: already awarded QTS, each sent a TRN token directly.
  for (let i = 0; i < (only.has("registration") ? registrationCount : 0); i++) {
    lines.push(`${registrationTrn(i)},Reg,Teacher${i},1991-02-03,reg${i}@bench.example,10000001,Bench Provider,Pass`);
  }
  for (let i = 0; i < (only.has("webhooks") ? 2 * webhookRegistrationCount + webhookWarmUp : 0); i++) {
    lines.push(`${webhookTrn(i)},Hook,Teacher${i},1991-02-03,hook${i}@bench.example,10000001,Bench Provider,Pass`);
  }
  for (let i = 0; i < (only.has("open-loop") ? openLoopTeacherCount : 0); i++) {
    lines.push(`${openLoopTrn(i)},Open,Teacher${i},1991-02-03,open${i}@bench.example,10000001,Bench Provider,Pass`);
  }
  writeFileSync(csv, lines.join("\n") + "\n");
  const result = Bun.spawnSync([binary, "records", "import", csv], {
    cwd: work,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  if (result.exitCode === 0) return undefined;
  return `records import failed (${result.exitCode}): ${(result.stderr.toString() || result.stdout.toString()).slice(0, 200)}`;
}
const benchTrn = (i: number) => String(3_000_000 + i);
const largeTrn = (i: number) => String(6_000_000 + i);

/**
 * Grows records to `count` more teachers (with `records import`, 100,000 rows a file) and identity
 * to `count` accounts (inserted directly: there is no bulk path for accounts). serve must be stopped.
 */
async function growDatabases(env: Record<string, string>, dataDir: string, count: number): Promise<true | string> {
  if (count > 1_000_000) return "BENCH_LARGE is at most 1000000 (TRNs 6000000-6999999)";
  log(`  growing records to ${count.toLocaleString("en-GB")} more teachers...`);
  const started = performance.now();
  const chunk = 100_000;
  for (let from = 0; from < count; from += chunk) {
    const csv = join(work, "large.csv");
    const lines = ["trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_result"];
    for (let i = from; i < Math.min(count, from + chunk); i++) {
      lines.push(
        `${largeTrn(i)},Large,Teacher${i},1990-01-01,large${i}@bench.example,10000001,Bench Provider,InTraining`,
      );
    }
    writeFileSync(csv, lines.join("\n") + "\n");
    const result = Bun.spawnSync([binary, "records", "import", csv], {
      cwd: work,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    if (result.exitCode !== 0) return `records import failed: ${result.stderr.toString().slice(0, 200)}`;
  }
  log(
    `  ... in ${((performance.now() - started) / 1000).toFixed(0)} s; adding ${count.toLocaleString("en-GB")} accounts to identity...`,
  );
  const db = new Database(join(dataDir, "identity.sqlite"));
  try {
    db.run("PRAGMA busy_timeout = 5000");
    const insert = db.query(
      `INSERT INTO accounts (id, email, email_verified, phone_number, phone_number_verified, given_name, family_name,
         preferred_name, birthdate, trn, created_at, updated_at)
       VALUES (?, ?, 1, ?, 1, 'Large', ?, 'Large', '1990-01-01', ?, ?, ?)`,
    );
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        insert.run(
          crypto.randomUUID(),
          `large${i}@bench.example`,
          `+4474${String(i).padStart(8, "0")}`,
          `Teacher${i}`,
          largeTrn(i),
          now,
          now,
        );
      }
    })();
  } catch (error) {
    return `could not add accounts to identity.sqlite (${(error as Error).message})`;
  } finally {
    db.close();
  }
  log(`  ... grown in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return true;
}
const registrationTrn = (i: number) => String(4_000_000 + i);
const webhookTrn = (i: number) => String(7_000_000 + i);
const openLoopTrn = (i: number) => String(5_000_000 + i);
/** Enough teachers for every open-loop run: Poisson arrivals can exceed rate x seconds a little. */
const openLoopTeacherCount = [coldRate, ...openRates].reduce(
  (sum, rate) => sum + Math.ceil(rate * openSeconds * 1.1 + 50),
  0,
);

/**
 * Sends each teacher a TRN token, as records does after a Pass (with records' client credentials),
 * a few at a time. serve must be running with API_RATE_LIMIT lifted.
 */
async function mintTrnTokens(
  identity: string,
  dataDir: string,
  teachers: { trn: string; email: string; mobile: string; mobileE164: string }[],
): Promise<RegistrationTeacher[]> {
  const secrets = JSON.parse(readFileSync(join(dataDir, "internal-client-secrets.json"), "utf8"));
  const token = await clientToken(identity, secrets.records.clientId, secrets.records.clientSecret, "trn_token:write");
  if (Array.isArray(token)) throw new Error(token[0]);
  const minted: RegistrationTeacher[] = new Array(teachers.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < teachers.length) {
        const i = next++;
        const { trn, email, mobile, mobileE164 } = teachers[i];
        const response = await fetch(`${identity}/trn-tokens`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ trn, email }),
        });
        if (response.status !== 201) throw new Error(`POST /trn-tokens answered ${response.status}`);
        const { trnToken } = (await response.json()) as { trnToken: string };
        minted[i] = { trnToken, mobile, mobileE164 };
      }
    }),
  );
  return minted;
}

async function clientToken(
  identityUrl: string,
  clientId: string,
  secret: string,
  scope: string,
): Promise<string | string[]> {
  const response = await fetch(`${identityUrl}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${clientId}:${secret}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }),
  });
  if (response.status !== 200)
    return [`POST /token for ${clientId} answered ${response.status}: ${(await response.text()).slice(0, 160)}`];
  return ((await response.json()) as { access_token: string }).access_token;
}

// ---------------------------------------------------------------- oidc-provider on Node.js

const oidcProviderDir = join(import.meta.dir, "oidc-provider");

/** DESIGN's reference for POST /token: panva's oidc-provider, same machine, same run, same load. */
async function measureOidcProvider(): Promise<{ perSecond: number; label: string } | { skipped: string }> {
  const node = Bun.which("node");
  if (!node) return { skipped: "node is not installed" };
  if (!existsSync(join(oidcProviderDir, "node_modules/oidc-provider/package.json"))) {
    return { skipped: "bench/oidc-provider is not installed (make bench installs it with npm ci)" };
  }
  const version = JSON.parse(
    readFileSync(join(oidcProviderDir, "node_modules/oidc-provider/package.json"), "utf8"),
  ).version;
  const nodeVersion = Bun.spawnSync([node, "--version"]).stdout.toString().trim();
  log(`Reference: oidc-provider ${version} on Node.js ${nodeVersion}`);
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const running = await start([node, join(oidcProviderDir, "server.mjs"), String(port)], {}, [
    `${url}/.well-known/openid-configuration`,
  ]);
  try {
    const request = () =>
      new Request(`${url}/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa("bench:bench-secret-bench-secret-bench-secret")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials&scope=itt_outcome%3Awrite",
      });
    const problem = await probe(request(), [200]);
    if (problem) return { skipped: `oidc-provider refused the request: ${problem}` };
    const r = await load("POST /token (oidc-provider)", running.proc.pid, { mb: 0 }, request, [200]);
    return { perSecond: r.perSecond, label: `oidc-provider ${version}, Node.js ${nodeVersion}` };
  } finally {
    await stop(running);
  }
}

// ---------------------------------------------------------------- teacher-id

async function measureServe(
  baseline: Awaited<ReturnType<typeof measureBaseline>>,
  reference: Awaited<ReturnType<typeof measureOidcProvider>>,
) {
  log("teacher-id serve");
  const sink = await startSmtpSink();
  const ports = [freePort(), freePort(), freePort()];

  // Start-up: an empty data directory (migrations, keys, clients), then restarts on it.
  const fresh: number[] = [];
  for (let i = 0; i < 3; i++) {
    const env = serveEnv(join(work, `fresh-${i}`), ports, sink.url);
    const s = await start(serveCommand, env, healthUrls(env));
    fresh.push(s.startupMs);
    await stop(s);
  }
  const dataDir = join(work, "serve-data");
  const env = serveEnv(dataDir, ports, sink.url);
  log(`  importing ${teacherCount} teachers...`);
  const importProblem = importTeachers(env, teacherCount);
  const first = await start(serveCommand, env, healthUrls(env));
  const banner = first.stderr();
  await stop(first);
  const restarts: number[] = [];
  let served: Started | undefined;
  for (let i = 0; i < 3; i++) {
    served = await start(serveCommand, env, healthUrls(env));
    restarts.push(served.startupMs);
    if (i < 2) await stop(served);
  }
  let s = served!;
  rows.push({
    measure: "start-up, empty data dir (exec to 200 on all three /health)",
    value: median(fresh),
    unit: "ms",
    baseline: baseline.startupMs,
    target: "<= 100 ms",
  });
  rows.push({
    measure: "start-up, existing data dir",
    value: median(restarts),
    unit: "ms",
    baseline: baseline.startupMs,
    target: "<= 100 ms",
  });

  await Bun.sleep(2000);
  rows.push({
    measure: "memory of serve, idle (RSS)",
    value: rssMb(s.proc.pid),
    unit: "MB",
    baseline: baseline.idleMb,
    target: "<= 100 MB",
  });

  const peak = { mb: 0 };
  const identity = env.IDENTITY_URL;
  const emptyRates: { token?: number; trnTokens?: number; itt?: number } = {};

  // POST /token, client_credentials, as the demo awarding service.
  const demoSecret = /client_secret:\s+(\S+)/.exec(banner)?.[1];
  const tokenRequest = () =>
    new Request(`${identity}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`demo-awarding-service:${demoSecret}`)}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials&scope=itt_outcome%3Awrite",
    });
  const tokenSkip = !only.has("token")
    ? "not in BENCH_ONLY"
    : demoSecret
      ? await probe(tokenRequest(), [200])
      : "serve printed no demo client secret";
  if (tokenSkip) rows.push({ measure: "POST /token client_credentials", unit: "req/s", skipped: tokenSkip });
  else {
    const r = await load("POST /token", s.proc.pid, peak, tokenRequest, [200]);
    emptyRates.token = r.perSecond;
    rows.push({
      measure: "POST /token client_credentials",
      value: r.perSecond,
      unit: "req/s",
      ...("perSecond" in reference
        ? { baseline: reference.perSecond, baselineName: "oidc-provider" }
        : { baseline: baseline.perSecond }),
      target: ">= 2x oidc-provider",
      note: note(r),
      latency: latency(r),
    });
  }

  // POST /trn-tokens, as records does after a Pass.
  let trnSkip: string | undefined = only.has("trn-tokens") ? undefined : "not in BENCH_ONLY";
  let trnToken = "";
  if (!trnSkip) {
    try {
      const secrets = JSON.parse(readFileSync(join(dataDir, "internal-client-secrets.json"), "utf8"));
      const token = await clientToken(
        identity,
        secrets.records.clientId,
        secrets.records.clientSecret,
        "trn_token:write",
      );
      if (Array.isArray(token)) trnSkip = token[0];
      else trnToken = token;
    } catch (error) {
      trnSkip = `no records client credentials in DATA_DIR (${(error as Error).message})`;
    }
  }
  const trnRequest = (i: number) =>
    new Request(`${identity}/trn-tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${trnToken}`, "content-type": "application/json" },
      body: JSON.stringify({ trn: String(1_000_000 + (i % 8_999_999)), email: `teacher${i}@example.com` }),
    });
  trnSkip ??= await probe(trnRequest(0), [201]);
  if (trnSkip) rows.push({ measure: "POST /trn-tokens", unit: "req/s", skipped: trnSkip });
  else {
    const r = await load("POST /trn-tokens", s.proc.pid, peak, trnRequest, [201]);
    emptyRates.trnTokens = r.perSecond;
    rows.push({
      measure: "POST /trn-tokens",
      value: r.perSecond,
      unit: "req/s",
      baseline: baseline.perSecond,
      target: ">= 5,000/s",
      note: note(r),
      latency: latency(r),
    });
  }

  // PUT /v2/teachers/{trn}/itt-outcome Pass, each for a different teacher, each with its invitation.
  let ittSkip = !only.has("itt-outcome")
    ? "not in BENCH_ONLY"
    : demoSecret
      ? importProblem
      : "serve printed no demo client secret";
  let ittToken = "";
  if (!ittSkip) {
    const token = await clientToken(identity, "demo-awarding-service", demoSecret!, "itt_outcome:write");
    if (Array.isArray(token)) ittSkip = token[0];
    else ittToken = token;
  }
  const ittRequest = (i: number) =>
    new Request(`${env.RECORDS_URL}/v2/teachers/${benchTrn(i)}/itt-outcome?birthdate=1990-01-01`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ittToken}`, "content-type": "application/json" },
      body: JSON.stringify({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" }),
    });
  ittSkip ??= await probe(ittRequest(teacherCount - 1), [200]);
  if (ittSkip) rows.push({ measure: "PUT /v2/teachers/{trn}/itt-outcome (Pass)", unit: "req/s", skipped: ittSkip });
  else {
    const sentBefore = sink.total();
    const r = await load("PUT itt-outcome", s.proc.pid, peak, ittRequest, [200], teacherCount - 1);
    emptyRates.itt = r.perSecond;
    rows.push({
      measure: "PUT /v2/teachers/{trn}/itt-outcome (Pass)",
      value: r.perSecond,
      unit: "req/s",
      baseline: baseline.perSecond,
      target: ">= 3,000/s",
      note: note(r),
      latency: latency(r),
    });
    // Every Pass (plus the probe's) sends one invitation through the outbox to the SMTP sink.
    const expected = r.totalOk + 1;
    const waitStart = performance.now();
    while (sink.total() - sentBefore < expected && performance.now() - waitStart < 60_000) {
      peak.mb = Math.max(peak.mb, rssMb(s.proc.pid));
      await Bun.sleep(50);
    }
    const delivered = sink.total() - sentBefore;
    const twice = [...sink.deliveries.values()].filter((n) => n > 1).length;
    rows.push({
      measure: `invitations accepted by SMTP (${expected} Passes)`,
      value: delivered,
      unit: "emails",
      target: "all, none twice (10,000 within 30 s)",
      note: `${twice} recipients got more than one; the last arrived ${((performance.now() - waitStart) / 1000).toFixed(1)} s after the load ended`,
    });
  }

  // The whole registration, from the invitation link to the qualifications page, many teachers at once.
  let registrationSkip = !only.has("registration") ? "not in BENCH_ONLY" : importProblem;
  let teachers: RegistrationTeacher[] = [];
  if (!registrationSkip) {
    try {
      teachers = await mintTrnTokens(
        identity,
        dataDir,
        Array.from({ length: registrationCount }, (_, i) => {
          const digits = String(100_000 + i);
          return {
            trn: registrationTrn(i),
            email: `reg${i}@bench.example`,
            mobile: `07400${digits}`,
            mobileE164: `+447400${digits}`,
          };
        }),
      );
    } catch (error) {
      registrationSkip = `could not prepare TRN tokens (${(error as Error).message})`;
    }
  }
  if (registrationSkip)
    rows.push({ measure: "whole magic-link registration over HTTP", unit: "per s", skipped: registrationSkip });
  else {
    log(`  registration: ${registrationCount} teachers, ${concurrency} at once...`);
    const cpuBefore = cpuMs(s.proc.pid);
    const r = await runRegistrations({
      urls: { access: env.ACCESS_URL, identity },
      dataDir,
      teachers,
      concurrency,
      onTick: () => (peak.mb = Math.max(peak.mb, rssMb(s.proc.pid))),
    });
    const worst = [...r.steps].sort((a, b) => b.p99Ms - a.p99Ms)[0];
    rows.push({
      measure: `whole magic-link registration over HTTP (${registrationCount} teachers)`,
      value: r.perSecond,
      unit: "per s",
      target: ">= 200/s, every step's p99 < 20 ms",
      note:
        `${r.failed} failed; slowest step p99 ${worst?.p99Ms.toFixed(1)} ms (${worst?.step}); ` +
        `server CPU ${((cpuMs(s.proc.pid) - cpuBefore) / Math.max(1, r.completed)).toFixed(1)} ms/registration` +
        (r.errorSamples.length ? `; e.g. ${r.errorSamples[0]}` : ""),
      steps: r.steps,
    });
    for (const step of r.steps) {
      log(
        `    ${step.step.padEnd(48)} n=${step.count} p50 ${step.p50Ms.toFixed(1)} ms, p99 ${step.p99Ms.toFixed(1)} ms`,
      );
    }
  }

  // Webhooks: events delivered per second to a local subscriber, and what one costs a registration.
  await measureWebhooks(s, env, dataDir, peak, importProblem);

  // Open loop: teachers arrive at a steady rate, each from its own address (issue 12's targets).
  if (!only.has("open-loop"))
    rows.push({ measure: "open-loop registrations", unit: "% finished", skipped: "not in BENCH_ONLY" });
  else if (importProblem)
    rows.push({ measure: "open-loop registrations", unit: "% finished", skipped: importProblem });
  else s = await measureOpenLoop(s, env, dataDir, peak);

  // DESIGN: with 1,000,000 teachers and 1,000,000 accounts, throughput within 80% of an empty database.
  if (largeCount > 0) {
    await stop(s);
    const grown = await growDatabases(env, dataDir, largeCount);
    if (typeof grown === "string") rows.push({ measure: "large database", unit: "req/s", skipped: grown });
    else {
      const big = await start(serveCommand, env, healthUrls(env));
      const compare = (name: string, r: LoadResult, empty: number | undefined) =>
        rows.push({
          measure: `${name}, ${largeCount.toLocaleString("en-GB")} teachers and accounts`,
          value: r.perSecond,
          unit: "req/s",
          baseline: empty,
          baselineName: "empty database",
          target: ">= 0.8x the empty database",
          note: note(r),
          latency: latency(r),
        });
      if (emptyRates.token) {
        compare(
          "POST /token",
          await load("POST /token (large)", big.proc.pid, peak, tokenRequest, [200]),
          emptyRates.token,
        );
      }
      if (emptyRates.trnTokens) {
        compare(
          "POST /trn-tokens",
          await load("POST /trn-tokens (large)", big.proc.pid, peak, (i) => trnRequest(i + 5_000_000), [201]),
          emptyRates.trnTokens,
        );
      }
      if (emptyRates.itt) {
        const largeRequest = (i: number) =>
          new Request(`${env.RECORDS_URL}/v2/teachers/${largeTrn(i)}/itt-outcome?birthdate=1990-01-01`, {
            method: "PUT",
            headers: { authorization: `Bearer ${ittToken}`, "content-type": "application/json" },
            body: JSON.stringify({ ittProviderUkprn: "10000001", outcome: "Pass", assessmentDate: "2026-07-01" }),
          });
        compare(
          "PUT itt-outcome (Pass)",
          await load("PUT itt-outcome (large)", big.proc.pid, peak, largeRequest, [200], largeCount),
          emptyRates.itt,
        );
      }
      await stop(big);
    }
  }

  // GET /check/{code}: a certificate whose award records still shows, checked over HTTP (access
  // asks records each time, with its own client-credentials token).
  if (!only.has("check")) rows.push({ measure: "GET /check/{code} (valid certificate)", unit: "req/s", skipped: "not in BENCH_ONLY" });
  else {
    const code = "benchcheckaaaaaaaaaaaaaaaa";
    const records = new Database(join(dataDir, "records.sqlite"));
    const accessDb = new Database(join(dataDir, "access.sqlite"));
    try {
      records.run(
        "INSERT INTO teachers (trn, first_name, last_name, date_of_birth, qts_date, created_at, updated_at) VALUES ('9912345', 'Bench', 'Checker', '1990-01-01', '2026-07-01', 0, 0)",
      );
      accessDb.run(
        "INSERT INTO certificates (code_hash, sub, trn, kind, holder_name, qualification_name, awarded_date, created_at) VALUES (?, 'bench', '9912345', 'qts', 'Bench Checker', 'Qualified teacher status (QTS)', '2026-07-01', 0)",
        [new Bun.CryptoHasher("sha256").update(code).digest("hex")],
      );
    } finally {
      records.close();
      accessDb.close();
    }
    const checkRequest = () => new Request(`${env.ACCESS_URL}/check/${code}`);
    const problem = await probe(checkRequest(), [200]);
    if (problem) rows.push({ measure: "GET /check/{code} (valid certificate)", unit: "req/s", skipped: problem });
    else {
      const r = await load("GET /check/{code}", s.proc.pid, peak, checkRequest, [200]);
      rows.push({ measure: "GET /check/{code} (valid certificate)", value: r.perSecond, unit: "req/s", note: note(r), latency: latency(r) });
    }
  }

  rows.push({
    measure: "memory of serve under load (peak RSS)",
    value: peak.mb || undefined,
    unit: "MB",
    baseline: baseline.loadMb,
    target: "<= 300 MB",
    skipped: peak.mb ? undefined : "no load ran",
  });
  await stop(s);
  await sink.close();
}

// ---------------------------------------------------------------- webhooks

/** identity's webhook deliveries still waiting. */
function pendingWebhooks(dataDir: string): number {
  const db = new Database(join(dataDir, "identity.sqlite"), { readonly: true });
  try {
    return (db.query("SELECT count(*) AS n FROM outbox WHERE kind = 'webhook' AND status = 'pending'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}

/**
 * Two rows. (1) Delivery rate: with the subscriber down, BENCH_WEBHOOK_EVENTS TrnTokenIssued events
 * queue up (POST /trn-tokens); it comes back, `webhooks test` wakes the queue, and the rate is events
 * over the time from the first arrival to the last (in order, one at a time: the per-subscriber order
 * makes delivery serial). (2) Cost of an event: serve's CPU per registration without and with a
 * subscriber to UserRegistered and UserSignedIn (2 events a registration), each run measured until
 * its deliveries are done; records' own subscription is there in both.
 */
async function measureWebhooks(s: Started, env: Record<string, string>, dataDir: string, peak: { mb: number }, importProblem: string | undefined) {
  const rateRow = "webhook events delivered to a local subscriber";
  const costRow = "serve CPU of one webhook event, in a registration";
  if (!only.has("webhooks") || importProblem) {
    const skipped = importProblem ?? "not in BENCH_ONLY";
    rows.push({ measure: rateRow, unit: "per s", skipped }, { measure: costRow, unit: "ms", skipped });
    return;
  }
  const cli = (...args: string[]) => {
    const result = Bun.spawnSync([binary, "identity", "webhooks", ...args], { cwd: work, env: { PATH: process.env.PATH ?? "", ...env } });
    if (result.exitCode !== 0) throw new Error(`webhooks ${args[0]} failed: ${result.stderr}`);
    return result.stdout.toString();
  };
  const subscriber = startWebhookSubscriber();
  try {
    const teachers = await mintTrnTokens(
      env.IDENTITY_URL,
      dataDir,
      Array.from({ length: 2 * webhookRegistrationCount + webhookWarmUp }, (_, i) => {
        const digits = String(100_000 + i);
        return { trn: webhookTrn(i), email: `hook${i}@bench.example`, mobile: `07800${digits}`, mobileE164: `+447800${digits}` };
      }),
    );
    await waitFor(() => pendingWebhooks(dataDir) === 0, 30_000);
    const registrations = async (batch: RegistrationTeacher[], delivered: () => boolean) => {
      const before = cpuMs(s.proc.pid);
      const r = await runRegistrations({ urls: { access: env.ACCESS_URL, identity: env.IDENTITY_URL }, dataDir, teachers: batch, concurrency, onTick: () => (peak.mb = Math.max(peak.mb, rssMb(s.proc.pid))) });
      const drained = await waitFor(delivered, 60_000);
      if (r.errorSamples.length) log(`    e.g. ${r.errorSamples[0]}`);
      return { cpuMsPer: (cpuMs(s.proc.pid) - before) / Math.max(1, r.completed), failed: r.failed, drained };
    };
    log(`  webhooks: ${webhookWarmUp} registrations to warm up, ${webhookRegistrationCount} without a subscriber, then with one...`);
    await registrations(teachers.slice(2 * webhookRegistrationCount), () => pendingWebhooks(dataDir) === 0);
    const without = await registrations(teachers.slice(0, webhookRegistrationCount), () => pendingWebhooks(dataDir) === 0);
    const added = cli("add", "--url", subscriber.url, "--events", "TrnTokenIssued,UserRegistered,UserSignedIn");
    subscriber.setSecret(/secret: (whsec_\S+)/.exec(added)![1]!);
    const id = /subscriber (wh_\S+)/.exec(added)![1]!;
    const withOne = await registrations(teachers.slice(webhookRegistrationCount, 2 * webhookRegistrationCount), () => subscriber.arrivals.length >= 2 * webhookRegistrationCount && pendingWebhooks(dataDir) === 0);
    const perEvent = (withOne.cpuMsPer - without.cpuMsPer) / 2;
    rows.push({
      measure: `${costRow} (${webhookRegistrationCount} registrations each way)`,
      value: perEvent,
      unit: "ms",
      note:
        `serve CPU ${without.cpuMsPer.toFixed(2)} ms/registration without a subscriber, ${withOne.cpuMsPer.toFixed(2)} with one ` +
        `(x${(withOne.cpuMsPer / without.cpuMsPer).toFixed(2)}; 2 events each); ${without.failed + withOne.failed} failed` +
        (without.drained && withOne.drained ? "" : "; deliveries still waiting after 60 s") +
        "; see the delivery row's server CPU per event for a direct measure",
    });

    // The delivery rate: a backlog built while the subscriber is down, then sent in order.
    subscriber.up = false;
    const arrivedBefore = subscriber.arrivals.length;
    const secrets = JSON.parse(readFileSync(join(dataDir, "internal-client-secrets.json"), "utf8"));
    const token = await clientToken(env.IDENTITY_URL, secrets.records.clientId, secrets.records.clientSecret, "trn_token:write");
    if (Array.isArray(token)) throw new Error(token[0]);
    log(`  webhooks: ${webhookEventCount} events queued with the subscriber down, then delivered...`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < webhookEventCount) {
          const i = next++;
          const response = await fetch(`${env.IDENTITY_URL}/trn-tokens`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ trn: String(8_000_000 + i), email: `queued${i}@bench.example` }),
          });
          await response.arrayBuffer();
          if (response.status !== 201) throw new Error(`POST /trn-tokens answered ${response.status}`);
        }
      }),
    );
    subscriber.up = true;
    const cpuBefore = cpuMs(s.proc.pid);
    const woken = performance.now();
    cli("test", id);
    const all = await waitFor(() => subscriber.arrivals.length >= arrivedBefore + webhookEventCount, 300_000);
    const backlog = subscriber.arrivals.slice(arrivedBefore);
    const seconds = backlog.length > 1 ? (backlog.at(-1)!.at - backlog[0]!.at) / 1000 : NaN;
    const ids = backlog.map((a) => a.id);
    const inOrder = ids.every((value, i) => i === 0 || value > ids[i - 1]!);
    const twice = ids.length - new Set(ids).size;
    rows.push({
      measure: `${rateRow} (${webhookEventCount} queued, signed, verified with standardwebhooks)`,
      value: backlog.length / seconds,
      unit: "per s",
      note:
        `${backlog.length} arrived${all ? "" : " (timed out)"}, ${twice} twice, ${inOrder ? "in order" : "OUT OF ORDER"}, ${subscriber.refused} refused signatures; ` +
        `first ${(backlog[0]!.at - woken).toFixed(0)} ms after 'webhooks test'; server CPU ${(((cpuMs(s.proc.pid) - cpuBefore) * 1000) / Math.max(1, backlog.length)).toFixed(0)} µs/event`,
    });
    log(`    ${rows.at(-1)!.note}`);
  } catch (error) {
    rows.push({ measure: rateRow, unit: "per s", skipped: (error as Error).message.slice(0, 200) });
  } finally {
    subscriber.stop();
  }
}

// ---------------------------------------------------------------- certificates

/** PDF renders per second per certificate kind, in this process (pdf-lib, fonts subset, QR code). */
async function measureCertificates(): Promise<void> {
  if (!only.has("certificates")) {
    rows.push({ measure: "certificate PDF renders", unit: "per s", skipped: "not in BENCH_ONLY" });
    return;
  }
  const { renderCertificate } = await import("../src/access/certificates/certificate-pdf");
  const { certificateAward } = await import("../src/access/certificates/certificate-kinds");
  const teacher = {
    trn: "1234567",
    firstName: "Jane",
    lastName: "Doe",
    qtsDate: "2026-07-01",
    qtsRoute: "AssessmentOnly",
    eytsDate: "2025-06-01",
    induction: { status: "Passed", startDate: "2026-09-01", completedDate: "2027-07-01" },
    npqs: [{ id: 1, name: "National Professional Qualification (NPQ) for Headship", status: "Passed", awardedDate: "2026-02-02" }],
  };
  const issuer = { name: "Department for Education", onBehalfOf: "on behalf of the Secretary of State for Education", signatoryName: "Signatory", signatoryTitle: "Title" };
  for (const kind of ["qts", "eyts", "induction", "npq"] as const) {
    const award = certificateAward(teacher, kind, 1)!;
    const render = () =>
      renderCertificate(
        { ...award.content, documentTitle: "t", holderName: "Jane Doe", trn: "1234567", code: "abcdefghijklmnopqrstuvwxyz", checkUrl: "https://access.example/check/abcdefghijklmnopqrstuvwxyz" },
        issuer,
      );
    await render();
    const started = performance.now();
    let n = 0;
    while (performance.now() - started < seconds * 1000) {
      await render();
      n++;
    }
    const perSecond = n / ((performance.now() - started) / 1000);
    log(`  certificate ${kind}: ${perSecond.toFixed(1)} renders/s`);
    rows.push({ measure: `certificate PDF renders: ${kind}`, value: perSecond, unit: "per s", note: "one process, one core, sequential" });
  }
}

/**
 * The open-loop rows: one run at 100/s started right after a restart (no warm-up), then one per
 * BENCH_OPEN_RATES on the warmed-up process. serve runs with TRUST_PROXY=true and the per-IP limits
 * at their defaults; each virtual teacher sends its own X-Forwarded-For. Returns the serve that is
 * left running, with the caller's settings again.
 */
async function measureOpenLoop(
  s: Started,
  env: Record<string, string>,
  dataDir: string,
  peak: { mb: number },
): Promise<Started> {
  log(`  open loop: minting ${openLoopTeacherCount} TRN tokens...`);
  let teachers: RegistrationTeacher[];
  try {
    teachers = await mintTrnTokens(
      env.IDENTITY_URL,
      dataDir,
      Array.from({ length: openLoopTeacherCount }, (_, i) => {
        const digits = String(i).padStart(6, "0");
        return { trn: openLoopTrn(i), email: `open${i}@bench.example`, mobile: `07500${digits}`, mobileE164: `+447500${digits}` };
      }),
    );
  } catch (error) {
    rows.push({
      measure: "open-loop registrations",
      unit: "% finished",
      skipped: `could not prepare TRN tokens (${(error as Error).message})`,
    });
    return s;
  }
  // The per-IP limits back at their defaults; X-Forwarded-For names each teacher.
  const openEnv: Record<string, string> = { ...env, TRUST_PROXY: "true" };
  for (const name of Object.keys(openEnv)) if (name.endsWith("_LIMIT_PER_IP")) delete openEnv[name];
  await stop(s);
  const open = await start(serveCommand, openEnv, healthUrls(openEnv));
  const runs = [
    { rate: coldRate, cold: true },
    ...openRates.map((rate) => ({ rate, cold: false })),
  ];
  let used = 0;
  for (const { rate, cold } of runs) {
    const count = Math.ceil(rate * openSeconds * 1.1 + 50);
    const batch = teachers.slice(used, used + count);
    used += count;
    log(`  open loop: ${rate}/s for ${openSeconds} s${cold ? ", right after a restart" : ""}...`);
    const loadBefore = readFileSync("/proc/loadavg", "utf8").trim();
    const cpuBefore = cpuMs(open.proc.pid);
    const r = await runOpenLoop({
      urls: { access: openEnv.ACCESS_URL, identity: openEnv.IDENTITY_URL },
      dataDir,
      teachers: batch,
      ratePerSecond: rate,
      durationMs: openSeconds * 1000,
      drainMs: 30_000,
      onTick: () => (peak.mb = Math.max(peak.mb, rssMb(open.proc.pid))),
    });
    const cpuPerRegistration = (cpuMs(open.proc.pid) - cpuBefore) / Math.max(1, r.finished);
    const loadAfter = readFileSync("/proc/loadavg", "utf8").trim();
    const { steps: _steps, ...figures } = r;
    const httpSteps = r.steps.filter((step) => !step.step.startsWith("("));
    const worst = [...httpSteps].sort((a, b) => b.p99Ms - a.p99Ms)[0];
    const stepLimit = rate >= 150 ? 50 : 20;
    const checks =
      rate >= 150
        ? [r.finished === r.arrived, httpSteps.every((step) => step.p99Ms < stepLimit)]
        : rate >= 100
          ? [httpSteps.every((step) => step.p99Ms < stepLimit), r.journey.p99Ms < 100]
          : [];
    checks.push(cpuPerRegistration <= 5);
    rows.push({
      measure: `open loop ${rate}/s for ${openSeconds} s${cold ? ", right after a restart" : ""} (whole registrations)`,
      value: (100 * r.finished) / Math.max(1, r.arrived),
      unit: "% finished",
      target:
        rate >= 150
          ? "all finish, every step p99 < 50 ms, <= 5 ms CPU"
          : rate >= 100
            ? "step p99 < 20 ms, journey p99 < 100 ms, <= 5 ms CPU"
            : "<= 5 ms CPU",
      latency: { p50Ms: r.journey.p50Ms, p99Ms: r.journey.p99Ms, maxMs: r.journey.maxMs },
      note:
        `${checks.every(Boolean) ? "meets" : "MISSES"} target; ${r.finished}/${r.arrived} finished` +
        (r.failed ? `, ${r.failed} failed` : "") +
        (r.abandoned ? `, ${r.abandoned} still running 30 s after the last arrival` : "") +
        `; journey p99 ${r.journey.p99Ms.toFixed(1)} ms; slowest step p99 ${worst?.p99Ms.toFixed(1)} ms (${worst?.step}); ` +
        `server CPU ${cpuPerRegistration.toFixed(1)} ms/registration; loadavg ${loadBefore.split(" ")[0]} -> ${loadAfter.split(" ")[0]}` +
        (r.errorSamples.length ? `; e.g. ${r.errorSamples[0]}` : ""),
      steps: r.steps,
      openLoop: { ...figures, serveCpuMsPerRegistration: cpuPerRegistration, loadavg: [loadBefore, loadAfter] },
    });
  }
  await stop(open);
  return start(serveCommand, env, healthUrls(env));
}

/** Each open-loop step's p50/p99/max, one column per run. */
function reportOpenLoopSteps() {
  const runs = rows.filter((r) => r.openLoop && r.steps);
  if (runs.length === 0) return;
  const names = [...new Set(runs.flatMap((r) => r.steps!.map((step) => step.step)))];
  const header = ["open-loop step (p50/p99/max ms)", ...runs.map((r) => /open loop (\d+\/s)/.exec(r.measure)![1] + (r.measure.includes("restart") ? " cold" : ""))];
  const cell = (r: Row, name: string) => {
    const step = r.steps!.find((x) => x.step === name);
    return step ? `${step.p50Ms.toFixed(1)}/${step.p99Ms.toFixed(1)}/${step.maxMs.toFixed(0)}` : "-";
  };
  const table = [
    ...names.map((name) => [name, ...runs.map((r) => cell(r, name))]),
    ["whole journey (from its due arrival)", ...runs.map((r) => { const j = r.openLoop!.journey; return `${j.p50Ms.toFixed(1)}/${j.p99Ms.toFixed(1)}/${j.maxMs.toFixed(0)}`; })],
    ["serve CPU per registration (ms)", ...runs.map((r) => r.openLoop!.serveCpuMsPerRegistration.toFixed(1))],
    ["finished / arrived", ...runs.map((r) => `${r.openLoop!.finished}/${r.openLoop!.arrived}`)],
    ["generator start lag p99 (ms)", ...runs.map((r) => r.openLoop!.startLag.p99Ms.toFixed(1))],
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ");
  console.log("");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of table) console.log(line(row));
}

// ---------------------------------------------------------------- report

function format(value: number | undefined, unit: string): string {
  if (value === undefined || Number.isNaN(value)) return "-";
  if (unit === "per s") return value.toFixed(0);
  if (unit === "req/s" || unit === "emails") return Math.round(value).toLocaleString("en-GB");
  return value.toFixed(1);
}

function report() {
  const header = ["measure", "result", "compared with", "ratio", "target", "p50/p99 ms", "notes"];
  const table = rows.map((r) => [
    r.measure,
    r.skipped ? "skipped" : `${format(r.value, r.unit)} ${r.unit}`,
    r.baseline === undefined
      ? ""
      : `${format(r.baseline, r.unit)} ${r.unit}${r.baselineName ? ` (${r.baselineName})` : ""}`,
    r.baseline && r.value !== undefined && !r.skipped ? `${(r.value / r.baseline).toFixed(2)}x` : "",
    r.target ?? "",
    r.latency ? `${r.latency.p50Ms.toFixed(1)}/${r.latency.p99Ms.toFixed(1)}` : "",
    r.skipped ?? r.note ?? "",
  ]);
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...table.map((row) => row[i].length))));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ");
  console.log("");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of table) console.log(line(row));
  console.log("");
  console.log(
    "yardstick = bench/baseline-server.ts (bare Bun.serve + sha256 + WAL SQLite insert), same run, same load.",
  );
  reportOpenLoopSteps();
}

const results = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, bun: Bun.version, platform: process.platform },
  settings: {
    seconds,
    concurrency,
    teacherCount,
    registrationCount,
    largeCount,
    openSeconds,
    openRates,
    coldRate,
    only: [...only],
  },
  rows,
};

try {
  const baseline = await measureBaseline();
  rows.push({
    measure: "yardstick POST (hash + WAL insert)",
    value: baseline.perSecond,
    unit: "req/s",
    note: "the ratio column divides by this, except where it names another",
  });
  const reference = only.has("token") ? await measureOidcProvider() : { skipped: "not in BENCH_ONLY" };
  rows.push(
    "perSecond" in reference
      ? {
          measure: "reference: POST /token client_credentials",
          value: reference.perSecond,
          unit: "req/s",
          note: reference.label,
        }
      : { measure: "reference: oidc-provider POST /token", unit: "req/s", skipped: reference.skipped },
  );
  await measureServe(baseline, reference);
  await measureCertificates();
} finally {
  rmSync(work, { recursive: true, force: true });
}
report();
writeFileSync(join(import.meta.dir, "results.json"), JSON.stringify(results, null, 2) + "\n");
log(`Wrote ${join(import.meta.dir, "results.json")}`);
