// The README's "Reliability" table, made from soak/results.json (written by `make soak`).
//   bun soak/report.ts           rewrites the table in README.md and prints it
//   bun soak/report.ts --check   exits 1 when README.md's table is not the one results.json makes
// One row per fault, flood or fumble: tests add theirs with reportReliability()
// (test/helpers/reliability.ts); the row appears after the next `make soak`.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ReliabilityRow } from "../test/helpers/reliability";

export interface SoakResults {
  run: {
    /** When the run finished (ISO). */
    finishedAt: string;
    soakScale: number;
    soakMinutes: number;
    machine: string;
    bun: string;
    /** Why the results are what they are, e.g. "a short example run". */
    note?: string;
  };
  rows: ReliabilityRow[];
}

export const root = resolve(import.meta.dir, "..");
export const resultsFile = join(root, "soak/results.json");
const readmeFile = join(root, "README.md");
const begin = "<!-- reliability-table: made from soak/results.json by `bun soak/report.ts` (make soak runs it); do not edit by hand -->";
const end = "<!-- /reliability-table -->";

const tries = (count: number, unit: string) => (count > 0 ? `${count.toLocaleString("en-GB")} ${count === 1 ? unit.replace(/s$/, "") : unit}` : "-");
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The Markdown between the markers: what the run was, then the table. */
export function renderTable(results: SoakResults): string {
  const { run } = results;
  const lines = [
    `Last \`make soak\`: ${run.finishedAt.slice(0, 10)}, SOAK_SCALE=${run.soakScale}, SOAK_MINUTES=${run.soakMinutes}, ${run.machine}, Bun ${run.bun}.` +
      (run.note ? ` ${run.note}` : ""),
    "",
    "| fault, flood or fumble | test | tried in `make test` | tried in last `make soak` | lost | duplicated | what was checked |",
    "|---|---|---|---|---|---|---|",
    ...results.rows.map((row) =>
      [
        cell(row.fault),
        `\`${row.test.replace(/^test\/integration\//, "")}\``,
        tries(row.makeTest, row.unit),
        tries(row.tried, row.unit),
        String(row.lost),
        String(row.duplicated),
        cell(row.note),
      ].join(" | "),
    ).map((line) => `| ${line} |`),
  ];
  return lines.join("\n");
}

/** README.md with its table replaced by `table`. */
export function withTable(readme: string, table: string): string {
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no reliability table markers (${begin} ... ${end})`);
  return readme.slice(0, from + begin.length) + "\n" + table + "\n" + readme.slice(to);
}

export function readResults(): SoakResults {
  return JSON.parse(readFileSync(resultsFile, "utf8")) as SoakResults;
}

/** Rewrites README.md's table from soak/results.json; returns the table. */
export function updateReadme(results = readResults()): string {
  const table = renderTable(results);
  writeFileSync(readmeFile, withTable(readFileSync(readmeFile, "utf8"), table));
  return table;
}

/** True when README.md's table is the one soak/results.json makes. */
export function readmeIsCurrent(): boolean {
  const readme = readFileSync(readmeFile, "utf8");
  return withTable(readme, renderTable(readResults())) === readme;
}

if (import.meta.main) {
  if (process.argv.includes("--check")) {
    if (!readmeIsCurrent()) {
      console.error("README.md's Reliability table is not the one soak/results.json makes: run `bun soak/report.ts`.");
      process.exit(1);
    }
  } else {
    console.log(updateReadme());
  }
}
