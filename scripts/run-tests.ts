// `make test`'s test run: the browser tests (Chromium, mostly waiting on pages) in one `bun test`
// process and the unit and integration tests in another, side by side, so the whole suite takes
// about the longer of the two on 2 cores instead of their sum. Each line is prefixed with its group;
// each group's whole output is also kept in test-artifacts/<group>.log. Exits non-zero when either
// group fails. TEST_PARALLEL=0 runs the groups one after the other (same output).
import { mkdirSync, writeFileSync } from "node:fs";

const groups = [
  { name: "browser", paths: ["test/browser"] },
  { name: "unit+integration", paths: ["test/unit", "test/integration"] },
];
const flags = ["--timeout", "60000"];
const parallel = process.env.TEST_PARALLEL !== "0";

mkdirSync("test-artifacts", { recursive: true });

async function pipeLines(stream: ReadableStream<Uint8Array>, prefix: string, keep: string[]) {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      keep.push(line);
      process.stdout.write(`${prefix}${line}\n`);
    }
  }
  if (pending) {
    keep.push(pending);
    process.stdout.write(`${prefix}${pending}\n`);
  }
}

async function runGroup(group: (typeof groups)[number]) {
  const started = performance.now();
  const child = Bun.spawn([process.execPath, "test", ...flags, ...group.paths], { stdout: "pipe", stderr: "pipe", env: process.env });
  const keep: string[] = [];
  const prefix = `[${group.name}] `;
  await Promise.all([pipeLines(child.stdout, prefix, keep), pipeLines(child.stderr, prefix, keep), child.exited]);
  writeFileSync(`test-artifacts/${group.name.replace(/\W/g, "-")}.log`, keep.join("\n") + "\n");
  const summary = keep.filter((l) => /^\s*\d+ (pass|fail)$|^Ran \d+ tests/.test(l)).map((l) => l.trim());
  return { name: group.name, code: child.exitCode ?? 1, seconds: (performance.now() - started) / 1000, summary, failed: keep.filter((l) => l.startsWith("(fail)")) };
}

const started = performance.now();
const results = parallel ? await Promise.all(groups.map(runGroup)) : await groups.reduce(async (done, g) => [...(await done), await runGroup(g)], Promise.resolve([] as Awaited<ReturnType<typeof runGroup>>[]));
console.log("\nTest groups:");
for (const r of results) console.log(`  ${r.name}: ${r.code === 0 ? "passed" : "FAILED"} in ${r.seconds.toFixed(0)} s (${r.summary.join(", ")})`);
const failed = [...new Set(results.flatMap((r) => r.failed))];
if (failed.length) console.log(`\nFailed:\n${failed.map((f) => `  ${f}`).join("\n")}`);
console.log(`Whole suite: ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
