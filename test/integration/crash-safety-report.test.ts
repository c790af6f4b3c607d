// README's "Reliability" table says what the last `make soak` found: it must be the table
// soak/report.ts makes from soak/results.json, not a hand-edited one.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readResults, renderTable, root } from "../../soak/report";

test("README's Reliability table is the one soak/results.json makes", () => {
  const results = readResults();
  const readme = readFileSync(join(root, "README.md"), "utf8");
  expect(readme).toContain(renderTable(results));
  // One row per fault, each saying what it tried and what was lost.
  const ids = results.rows.map((row) => row.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const row of results.rows) {
    expect(row.tried).toBeGreaterThan(0);
    expect(readme).toContain(`| ${row.fault.replace(/\|/g, "\\|")} |`);
  }
});
