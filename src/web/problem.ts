// RFC 7807 problem details for every JSON API error.
import type { z } from "zod";

export interface ProblemDetails {
  title: string;
  status: number;
  detail?: string;
  errorCode?: number | string;
  /** Field name -> messages. */
  errors?: Record<string, string[]>;
  [extension: string]: unknown;
}

export function problemResponse(problem: ProblemDetails, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: "about:blank", ...problem }), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  });
}

/** zod issues -> { field: [messages] }, with nested paths joined by dots. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length ? issue.path.join(".") : "body";
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}

export function validationProblem(error: z.ZodError, title = "One or more validation errors occurred."): Response {
  return problemResponse({ title, status: 400, errors: fieldErrors(error) });
}

/** Parses input with a zod schema; on failure returns the 400 problem response to send. */
export function parseOrProblem<T extends z.ZodType>(
  schema: T,
  input: unknown,
): { ok: true; value: z.output<T> } | { ok: false; response: Response } {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, response: validationProblem(result.error) };
}
