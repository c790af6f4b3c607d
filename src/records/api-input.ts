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

/**
 * The query string with one value per name. A name given more than once is a 400 naming it:
 * taking either value silently could look up, or write to, a teacher the client did not mean.
 */
export function singleValuedQuery(request: Request): { ok: true; value: Record<string, string> } | { ok: false; response: Response } {
  const value: Record<string, string> = {};
  const errors: Record<string, string[]> = {};
  for (const [name, given] of new URL(request.url).searchParams) {
    if (Object.hasOwn(value, name)) errors[name] = [`${name} must be given once`];
    else value[name] = given;
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, response: problemResponse({ title: "One or more validation errors occurred.", status: 400, errors }) };
  }
  return { ok: true, value };
}

/** True when the request's body is declared as JSON (application/json, with or without parameters). */
export function isJsonBody(request: Request): boolean {
  const type = request.headers.get("content-type") ?? "";
  const semicolon = type.indexOf(";");
  return (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase() === "application/json";
}
