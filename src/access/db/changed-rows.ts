// drizzle types bun-sqlite's run() as void, but it returns bun:sqlite's { changes, lastInsertRowid }.
export function changedRows(result: unknown): number {
  return (result as { changes: number }).changes;
}
