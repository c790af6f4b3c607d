// Small helpers for records' API routes. Parsing a request's path, query and body is the
// operation's own (src/openapi/operation.ts parseOperationInput, notJson), with the schemas
// records' OpenAPI document is made from.

/** `1234567` -> `12***67`: enough to find a log line, not enough to identify a teacher. */
export function maskTrn(trn: string): string {
  return trn.length === 7 ? `${trn.slice(0, 2)}***${trn.slice(-2)}` : "***";
}
