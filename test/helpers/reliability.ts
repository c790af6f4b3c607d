// The README's "Reliability" table, one row per fault, flood or fumble tried. A fault test sizes
// itself with soakScale() (1 in `make test`, 10 in `make soak`) and, at its end, calls
// reportReliability() with what it did and what was lost or duplicated. In `make test` that writes
// nothing; `make soak` sets RELIABILITY_OUT, collects the rows into soak/results.json and rebuilds
// the table from it (soak/report.ts). To add a row: call reportReliability from your test, and
// add the test file to SOAK_TESTS in the Makefile.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ReliabilityRow {
  /** Stable key, e.g. "crash-kill-9"; one row each. */
  id: string;
  /** What was done to the system, as the README says it. */
  fault: string;
  /** The test that does it (path from the repository root). */
  test: string;
  /** What one "try" is, e.g. "kills", "outages", "cases". */
  unit: string;
  /** How many tries `make test` makes (the same test at scale 1). */
  makeTest: number;
  /** How many tries this run made. */
  tried: number;
  /** Acknowledged things (outcomes, tokens, accounts, messages, rows) found missing. Goal: 0. */
  lost: number;
  /** Things done twice (e.g. an email sent twice). Goal: 0, or as the note explains. */
  duplicated: number;
  /** What the numbers mean: what was checked, what the duplicates were, what was measured. */
  note: string;
}

/** 1 in `make test`; `make soak` sets SOAK_SCALE=10 ("every count x10"). */
export function soakScale(): number {
  const scale = Number(process.env.SOAK_SCALE ?? 1);
  if (!Number.isFinite(scale) || scale < 1) throw new Error(`SOAK_SCALE must be a number >= 1 (got ${process.env.SOAK_SCALE})`);
  return scale;
}

/** A setting from the environment (a number), or its default. */
export function numberSetting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number (got ${raw})`);
  return value;
}

/** Records a row for `make soak` (a no-op unless RELIABILITY_OUT names a directory). */
export function reportReliability(row: ReliabilityRow): void {
  const dir = process.env.RELIABILITY_OUT;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${row.id}.json`), JSON.stringify(row, null, 2) + "\n");
}
