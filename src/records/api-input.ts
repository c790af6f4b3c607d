// Parsing several parts of an API request (path, query, body) with zod into one 400
// problem+json that lists every bad field, or the parsed values.
import type { z } from "zod";
import { fieldErrors, problemResponse } from "../web/problem";

export function parseRequestParts<T extends Record<string, z.ZodType>>(
  parts: { [K in keyof T]: [T[K], unknown] },
): { ok: true; value: { [K in keyof T]: z.output<T[K]> } } | { ok: false; response: Response } {
  const errors: Record<string, string[]> = {};
  const value: Record<string, unknown> = {};
  for (const [name, [schema, input]] of Object.entries(parts) as [string, [z.ZodType, unknown]][]) {
    const result = schema.safeParse(input);
    if (result.success) value[name] = result.data;
    else
      for (const [field, messages] of Object.entries(fieldErrors(result.error))) {
        // A failure of the whole part (e.g. the path's trn) is named after the part.
        (errors[field === "body" ? name : field] ??= []).push(...messages);
      }
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, response: problemResponse({ title: "One or more validation errors occurred.", status: 400, errors }) };
  }
  return { ok: true, value: value as { [K in keyof T]: z.output<T[K]> } };
}

/** `1234567` -> `12***67`: enough to find a log line, not enough to identify a teacher. */
export function maskTrn(trn: string): string {
  return trn.length === 7 ? `${trn.slice(0, 2)}***${trn.slice(-2)}` : "***";
}
