// serve's CPU per whole magic-link registration (bench/registration.ts), one at a time: for
// comparing two builds in one session where valgrind cannot run a registration (bench/callgrind.ts:
// Bun 1.4.4 under valgrind dies of SIGILL on access's first page). utime + stime from /proc, so
// other load on the machine moves it less than wall-clock times, but still by ±10-20%: alternate
// the builds and run each more than once.
//   bun run bench/registration-cpu.ts [BINARY] [LABEL]      (REG=200 after 50 to warm up)
// PROFILE=DIR: run serve from source under Bun's CPU profiler instead (profile written to DIR).
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../test/helpers/ports";
import { register } from "./registration";

const binary = resolve(process.argv[2] ?? join(import.meta.dir, "../dist/teacher-id"));
const label = process.argv[3] ?? "run";
const registrations = Number(process.env.REG ?? 200);
const warmUp = 50;
const dir = mkdtempSync(join(tmpdir(), "teacher-id-registration-cpu-"));
const [identity, records, access] = [freePort(), freePort(), freePort()];
const env = {
  PATH: process.env.PATH ?? "",
  ENVIRONMENT: "development",
  DATA_DIR: dir,
  IDENTITY_PORT: String(identity),
  RECORDS_PORT: String(records),
  ACCESS_PORT: String(access),
  IDENTITY_URL: `http://127.0.0.1:${identity}`,
  RECORDS_URL: `http://127.0.0.1:${records}`,
  ACCESS_URL: `http://127.0.0.1:${access}`,
  METRICS_PORT: "0",
  LOG_LEVEL: "warn",
  API_RATE_LIMIT: "10000000",
  CODE_SEND_LIMIT_PER_IP: "1000000",
  CODE_CHECK_LIMIT_PER_IP: "1000000",
  AUTHORIZATION_REQUEST_LIMIT_PER_IP: "1000000",
  JOURNEY_LIMIT_PER_IP: "1000000",
  ACCESS_SIGN_IN_LIMIT_PER_IP: "1000000",
};
// Teachers who register: already awarded QTS (as bench/run.ts imports them).
const trn = (i: number) => String(4_000_000 + i);
const csv = join(dir, "teachers.csv");
const lines = ["trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_result"];
for (let i = 0; i < registrations + warmUp; i++)
  lines.push(`${trn(i)},Reg,Teacher${i},1991-02-03,reg${i}@bench.example,10000001,Bench Provider,Pass`);
writeFileSync(csv, lines.join("\n") + "\n");
const imported = Bun.spawnSync([binary, "records", "import", csv], { cwd: dir, env });
if (imported.exitCode !== 0) throw new Error(`records import failed: ${imported.stderr.toString().slice(0, 200)}`);

const profile = process.env.PROFILE ? resolve(process.env.PROFILE) : undefined;
const root = resolve(import.meta.dir, "..");
const proc = profile
  ? Bun.spawn([process.execPath, "--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profile}`, join(root, "src/main.ts"), "serve"], {
      cwd: root,
      env,
      stdout: "ignore",
      stderr: Bun.file(join(dir, "serve.err")),
    })
  : Bun.spawn([binary, "serve"], { cwd: dir, env, stdout: "ignore", stderr: Bun.file(join(dir, "serve.err")) });
const base = `http://127.0.0.1:${identity}`;
for (const started = performance.now(); ; await Bun.sleep(50)) {
  if (performance.now() - started > 30_000) throw new Error("serve did not answer /health in 30 s");
  try {
    const answers = await Promise.all([identity, records, access].map((port) => fetch(`http://127.0.0.1:${port}/health`)));
    if (answers.every((a) => a.status === 200)) break;
  } catch {
    // not listening yet
  }
}
const cpuMs = () => {
  const fields = readFileSync(`/proc/${proc.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const secrets = JSON.parse(readFileSync(join(dir, "internal-client-secrets.json"), "utf8"));
const tokenResponse = await fetch(`${base}/token`, {
  method: "POST",
  headers: {
    authorization: `Basic ${btoa(`${secrets.records.clientId}:${secrets.records.clientSecret}`)}`,
    "content-type": "application/x-www-form-urlencoded",
  },
  body: "grant_type=client_credentials&scope=trn_token%3Awrite",
});
const bearer = `Bearer ${((await tokenResponse.json()) as { access_token: string }).access_token}`;
const teacher = async (i: number) => {
  const minted = await fetch(`${base}/trn-tokens`, {
    method: "POST",
    headers: { authorization: bearer, "content-type": "application/json" },
    body: JSON.stringify({ trn: trn(i), email: `reg${i}@bench.example` }),
  });
  const digits = String(100_000 + i);
  return { trnToken: ((await minted.json()) as { trnToken: string }).trnToken, mobile: `07400${digits}`, mobileE164: `+447400${digits}` };
};
const mailbox = new Database(join(dir, "dev-mailbox.sqlite"), { readonly: true });
const urls = { access: env.ACCESS_URL, identity: env.IDENTITY_URL };
const timings = new Map<string, number[]>();
for (let i = 0; i < warmUp; i++) await register(urls, await teacher(i), mailbox, timings, { smsPollMs: 5 });
const teachers = [];
for (let i = warmUp; i < warmUp + registrations; i++) teachers.push(await teacher(i));
await Bun.sleep(500);
const before = cpuMs();
for (const t of teachers) await register(urls, t, mailbox, timings, { smsPollMs: 5 });
await Bun.sleep(500); // the outbox's last deliveries
const spent = cpuMs() - before;
proc.kill("SIGTERM");
await proc.exited;
console.log(`${label}: ${(spent / registrations).toFixed(2)} ms of serve CPU per registration (${registrations}, one at a time)`);
