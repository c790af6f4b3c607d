// `make soak`: the fault tests with every count x10 (SOAK_SCALE=10: 100 kills, 60 s outages, ...),
// then the mixed load for SOAK_MINUTES (soak/mixed-load.ts). Each writes its row (see
// test/helpers/reliability.ts); this collects them into soak/results.json, prints the table and
// rewrites README's "Reliability" table. Never part of `make test`: it takes SOAK_MINUTES plus
// about a quarter of an hour.
//   bun soak/run.ts TEST_FILE...      (the Makefile passes SOAK_TESTS)
// Settings: SOAK_MINUTES (30), SOAK_SCALE (10), SOAK_NOTE (a sentence printed above the table).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { numberSetting, type ReliabilityRow } from "../test/helpers/reliability";
import { runMixedLoad } from "./mixed-load";
import { renderTable, resultsFile, root, updateReadme, type SoakResults } from "./report";

const tests = process.argv.slice(2);
const minutes = numberSetting("SOAK_MINUTES", 30);
const scale = numberSetting("SOAK_SCALE", 10);
const out = mkdtempSync(join(tmpdir(), "teacher-id-soak-"));
const log = (line: string) => process.stderr.write(line + "\n");
const failures: string[] = [];

try {
  if (tests.length > 0) {
    log(`Fault tests at SOAK_SCALE=${scale}: ${tests.join(" ")}`);
    const run = Bun.spawnSync([process.execPath, "test", "--timeout", "3600000", ...tests], {
      cwd: root,
      env: { ...process.env, SOAK_SCALE: String(scale), RELIABILITY_OUT: out },
      stdout: "inherit",
      stderr: "inherit",
    });
    if (run.exitCode !== 0) failures.push(`bun test ${tests.join(" ")} exited with ${run.exitCode}`);
  }
  if (minutes > 0) {
    const { row, broken } = await runMixedLoad(minutes, log);
    writeFileSync(join(out, `${row.id}.json`), JSON.stringify(row, null, 2));
    if (broken.length > 0) failures.push(`mixed load: ${broken.join("; ")}`);
  }

  const rows = readdirSync(out)
    .filter((file) => file.endsWith(".json"))
    .map((file) => ({ row: JSON.parse(readFileSync(join(out, file), "utf8")) as ReliabilityRow, at: statSync(join(out, file)).mtimeMs }))
    // Test files in the order given, each file's rows in the order its tests ran; the mixed load last.
    .sort((a, b) => order(a.row) - order(b.row) || a.at - b.at)
    .map(({ row }) => row);
  const results: SoakResults = {
    run: {
      finishedAt: new Date().toISOString(),
      soakScale: scale,
      soakMinutes: minutes,
      machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"})`,
      bun: Bun.version,
      ...(process.env.SOAK_NOTE ? { note: process.env.SOAK_NOTE } : {}),
    },
    rows,
  };
  console.log("\n" + renderTable(results) + "\n");
  if (failures.length > 0) {
    // A failed run is not "the last make soak": results.json and README keep the last good one.
    log(`make soak FAILED (soak/results.json and README.md left as they were):\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  } else {
    writeFileSync(resultsFile, JSON.stringify(results, null, 2) + "\n");
    updateReadme(results);
    log(`Wrote soak/results.json and README.md's Reliability table.`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

function order(row: ReliabilityRow): number {
  if (row.id === "mixed-load") return Number.MAX_SAFE_INTEGER;
  const index = tests.findIndex((test) => row.test.endsWith(test.replace(/^\.\//, "")));
  return index < 0 ? tests.length : index;
}
