// Instruction counts per request, for comparing two builds on a machine too busy for CPU times to
// mean anything: runs `serve` under valgrind's callgrind with instrumentation off, warms up, then
// counts only the instructions (every thread) spent while N requests are sent one at a time, then
// while REG whole magic-link registrations (bench/registration.ts) run one at a time.
//   bun run bench/callgrind.ts [BINARY] [LABEL]      (N=400, REG=40 by default; needs valgrind)
// Background work in the window (outbox workers, cleanup) moves the counts by about ±10%: run each
// build twice or more. Not part of the tests.
import { Database } from "bun:sqlite";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../test/helpers/ports";
import { register } from "./registration";

const binary = resolve(process.argv[2] ?? join(import.meta.dir, "../dist/teacher-id"));
const label = process.argv[3] ?? "run";
const count = Number(process.env.N ?? 400);
const registrations = Number(process.env.REG ?? 40);
const registrationWarmUp = 20;
const dir = mkdtempSync(join(tmpdir(), "teacher-id-callgrind-"));
console.error(`callgrind: data and serve's output in ${dir}`);
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
  API_RATE_LIMIT: "10000000",
  CODE_SEND_LIMIT_PER_IP: "1000000",
  CODE_CHECK_LIMIT_PER_IP: "1000000",
  AUTHORIZATION_REQUEST_LIMIT_PER_IP: "1000000",
  JOURNEY_LIMIT_PER_IP: "1000000",
  ACCESS_SIGN_IN_LIMIT_PER_IP: "1000000",
};
// Teachers who register: already awarded QTS (as bench/run.ts imports them).
const registrationTrn = (i: number) => String(4_000_000 + i);
const csv = join(dir, "teachers.csv");
const lines = ["trn,first_name,last_name,date_of_birth,email,itt_provider_ukprn,itt_provider_name,itt_result"];
for (let i = 0; i < registrations + registrationWarmUp; i++)
  lines.push(`${registrationTrn(i)},Reg,Teacher${i},1991-02-03,reg${i}@bench.example,10000001,Bench Provider,Pass`);
writeFileSync(csv, lines.join("\n") + "\n");
const imported = Bun.spawnSync([binary, "records", "import", csv], { cwd: dir, env });
if (imported.exitCode !== 0) throw new Error(`records import failed: ${imported.stderr.toString().slice(0, 200)}`);
const out = join(dir, "callgrind.out");
const proc = Bun.spawn(["valgrind", "--tool=callgrind", "--instr-atstart=no", "--smc-check=all-non-file", `--callgrind-out-file=${out}`, binary, "serve"], {
  cwd: dir,
  env,
  stdout: Bun.file(join(dir, "serve.log")),
  stderr: Bun.file(join(dir, "serve.err")),
});
const base = `http://127.0.0.1:${identity}`;
for (const started = performance.now(); ; await Bun.sleep(1000)) {
  if (performance.now() - started > 600_000) throw new Error("serve did not answer /health under valgrind in 10 minutes");
  try {
    if ((await fetch(`${base}/health`)).status === 200 && (await fetch(`http://127.0.0.1:${records}/health`)).status === 200) break;
  } catch {
    // not listening yet
  }
}
await Bun.sleep(3000);
const secrets = JSON.parse(readFileSync(join(dir, "internal-client-secrets.json"), "utf8"));
const basic = `Basic ${btoa(`${secrets.records.clientId}:${secrets.records.clientSecret}`)}`;
const token = () =>
  fetch(`${base}/token`, {
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&scope=trn_token%3Awrite",
  });
const bearer = `Bearer ${((await (await token()).json()) as { access_token: string }).access_token}`;
const trnToken = (i: number) =>
  fetch(`${base}/trn-tokens`, {
    method: "POST",
    headers: { authorization: bearer, "content-type": "application/json" },
    body: JSON.stringify({ trn: String(3000000 + i), email: `teacher${i}@example.com` }),
  });
for (let i = 0; i < 300; i++) {
  await (await trnToken(100000 + i)).arrayBuffer();
  await (await token()).arrayBuffer();
}
const control = (...args: string[]) => Bun.spawnSync(["callgrind_control", ...args, String(proc.pid)]);
let dumps = 0;
async function measure(name: string, send: (i: number) => Promise<Response>, times = count): Promise<number> {
  control("-z");
  control("-i", "on");
  for (let i = 0; i < times; i++) {
    const response = await send(i);
    if (response.status >= 300) throw new Error(`${name}: ${response.status}`);
    await response.arrayBuffer();
  }
  control("-i", "off");
  control("-d", name);
  await Bun.sleep(500);
  const dumped = readFileSync(`${out}.${++dumps}`, "utf8");
  return Number(/^totals: (\d+)/m.exec(dumped)?.[1]) / times;
}
const perTrnToken = await measure("trn-tokens", trnToken);
const perToken = await measure("token", () => token());
// Whole registrations, one at a time; the SMS code is read from the dev mailbox.
const mailbox = new Database(join(dir, "dev-mailbox.sqlite"), { readonly: true });
const urls = { access: env.ACCESS_URL, identity: env.IDENTITY_URL };
const registrationTeacher = async (i: number) => {
  const minted = await fetch(`${base}/trn-tokens`, {
    method: "POST",
    headers: { authorization: bearer, "content-type": "application/json" },
    body: JSON.stringify({ trn: registrationTrn(i), email: `reg${i}@bench.example` }),
  });
  const digits = String(100_000 + i);
  return { trnToken: ((await minted.json()) as { trnToken: string }).trnToken, mobile: `07400${digits}`, mobileE164: `+447400${digits}` };
};
const timings = new Map<string, number[]>();
for (let i = 0; i < registrationWarmUp; i++) await register(urls, await registrationTeacher(i), mailbox, timings, { smsPollMs: 50 });
const teachers: Awaited<ReturnType<typeof registrationTeacher>>[] = [];
for (let i = registrationWarmUp; i < registrationWarmUp + registrations; i++) teachers.push(await registrationTeacher(i));
const perRegistration = await measure(
  "registration",
  async (i) => {
    await register(urls, teachers[i], mailbox, timings, { smsPollMs: 50 });
    return new Response(null, { status: 204 });
  },
  registrations,
);
proc.kill("SIGTERM");
await proc.exited;
console.log(
  `${label}: POST /trn-tokens ${Math.round(perTrnToken / 1000)}k instructions/request, POST /token ${Math.round(perToken / 1000)}k, registration ${Math.round(perRegistration / 1000)}k`,
);
