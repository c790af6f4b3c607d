// How many rows a write changed, read one way everywhere. bun:sqlite's run() returns
// { changes, lastInsertRowid }, but drizzle types it as void (or any): read it here, and fail
// loudly if it is not there, rather than compare `undefined === 0` and carry on as if it were.

/** The number of rows the statement behind `result` (a `run()` result) changed. */
export function changedRows(result: unknown): number {
  const changes = (result as { changes?: unknown } | null | undefined)?.changes;
  if (typeof changes !== "number") throw new TypeError("changedRows() needs the result of a bun:sqlite run()");
  return changes;
}

/**
 * Consume-once: runs a conditional UPDATE written to match its row only while it is still unused
 * (e.g. `WHERE code_hash = ? AND consumed_at IS NULL`), and says whether this call is the one that
 * used it. Of two concurrent callers, exactly one gets true: SQLite applies the UPDATEs one after
 * the other, and the second finds the condition false.
 */
export function consumeOnce(conditionalUpdate: { run(): unknown }): boolean {
  return changedRows(conditionalUpdate.run()) === 1;
}
