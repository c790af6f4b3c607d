// Instruction counts per request, for comparing two builds on a machine too busy for CPU times to
// mean anything: runs `serve` under valgrind's callgrind with instrumentation off, warms up, then
// counts only the instructions (every thread) spent while N requests are sent one at a time.
//   bun run bench/callgrind.ts [BINARY] [LABEL]      (N=400 by default; needs valgrind)
// Background work in the window (outbox workers, cleanup) moves the counts by about ±10%: run each
// build twice or more. Not part of the tests.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../test/helpers/ports";

const binary = resolve(process.argv[2] ?? join(import.meta.dir, "../dist/teacher-id"));
const label = process.argv[3] ?? "run";
const count = Number(process.env.N ?? 400);
const dir = mkdtempSync(join(tmpdir(), "teacher-id-callgrind-"));
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
};
const out = join(dir, "callgrind.out");
const proc = Bun.spawn(["valgrind", "--tool=callgrind", "--instr-atstart=no", "--smc-check=all-non-file", `--callgrind-out-file=${out}`, binary, "serve"], {
  cwd: dir,
  env,
  stdout: "ignore",
  stderr: "ignore",
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
async function measure(name: string, send: (i: number) => Promise<Response>): Promise<number> {
  control("-z");
  control("-i", "on");
  for (let i = 0; i < count; i++) {
    const response = await send(i);
    if (response.status >= 300) throw new Error(`${name}: ${response.status}`);
    await response.arrayBuffer();
  }
  control("-i", "off");
  control("-d", name);
  await Bun.sleep(500);
  const dumped = readFileSync(`${out}.${name === "trn-tokens" ? 1 : 2}`, "utf8");
  return Number(/^totals: (\d+)/m.exec(dumped)?.[1]) / count;
}
const perTrnToken = await measure("trn-tokens", trnToken);
const perToken = await measure("token", () => token());
proc.kill("SIGTERM");
await proc.exited;
console.log(`${label}: POST /trn-tokens ${Math.round(perTrnToken / 1000)}k instructions/request, POST /token ${Math.round(perToken / 1000)}k`);
