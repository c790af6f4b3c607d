// bun:sqlite's run() reports how many rows changed, but drizzle types its result as void.
export function changedRows(result: unknown): number {
  return (result as { changes: number }).changes;
}
