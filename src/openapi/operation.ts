// An API operation, described once: its path, its scope, and the zod schemas of its input and of
// each answer. The route registers itself at `path` and parses its input with these very schemas
// (parseOperationInput), and the OpenAPI document is generated from them (openapi-document.ts),
// so what a route accepts and what its document says cannot drift apart.
import type { z } from "zod";
import { problemResponse } from "../web/problem";

export type HttpMethod = "GET" | "PUT" | "POST";

export interface OperationResponse {
  description: string;
  /** The JSON body's schema. A named component (see openApiDocument's `components`). */
  body?: z.ZodType;
  /** The body is application/problem+json (components.schemas.Problem). */
  problem?: boolean;
  /** The body is a file of one of these media types (e.g. a download), not JSON. */
  file?: readonly string[];
}

export interface ApiOperation<
  P extends z.ZodObject | undefined = z.ZodObject | undefined,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Elysia's form, e.g. `/api/v1/users/:sub` (the document shows `/api/v1/users/{sub}`). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** The scope the bearer token must carry. */
  scope: string;
  /** Who gets such a token: a service (client credentials) or a signed-in teacher (authorization code). */
  tokenFor?: "client" | "teacher";
  params?: P;
  query?: Q;
  /** The request body, a named component: application/json unless `bodyType` says otherwise. */
  body?: B;
  /** multipart/form-data: a form with a file (the component then describes the fields, files as z.file()). */
  bodyType?: "application/json" | "multipart/form-data";
  responses: Record<number, OperationResponse>;
}

/** Keeps the operation's schema types (for parseOperationInput) while checking its shape. */
export function defineOperation<P extends z.ZodObject | undefined, Q extends z.ZodObject | undefined, B extends z.ZodType | undefined>(
  operation: ApiOperation<P, Q, B>,
): ApiOperation<P, Q, B> {
  return operation;
}

/** `/api/v1/users/:sub` -> `/api/v1/users/{sub}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
}

/** The answers every bearer-token operation can give, besides its own. */
export function commonProblems(extra: number[] = []): Record<number, OperationResponse> {
  const all: Record<number, OperationResponse> = {
    401: { problem: true, description: "No access token, or one that is not valid (expired, tampered with, revoked, or for another service). The challenge is in WWW-Authenticate." },
    403: { problem: true, description: "The access token does not have the scope this operation needs." },
    429: { problem: true, description: "Too many requests: this client is over its limit, or this address failed authentication too often. Retry-After says when to try again." },
    503: { problem: true, description: "Nothing was changed; try again after Retry-After seconds (the database is busy, or a teacher's token could not be checked)." },
  };
  const more: Record<number, OperationResponse> = {
    400: { problem: true, description: "The request is not valid: `errors` names each field with its messages." },
    404: { problem: true, description: "Not found." },
    413: { problem: true, description: "The request body is too large." },
    415: { problem: true, description: "The request body is not application/json." },
  };
  for (const status of extra) all[status] = more[status] ?? { problem: true, description: "Refused." };
  return all;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * A request's path parameters, query and JSON body, parsed with the operation's schemas. A query
 * parameter given twice is refused (taking either value could act on what the client did not
 * mean). Every bad field is named in one 400 problem+json.
 */
export function parseOperationInput<P extends z.ZodObject | undefined, Q extends z.ZodObject | undefined, B extends z.ZodType | undefined>(
  operation: ApiOperation<P, Q, B>,
  input: { params?: Record<string, string>; url?: string; body?: unknown },
): { ok: true; params: Output<P>; query: Output<Q>; body: Output<B> } | { ok: false; response: Response } {
  const errors: Record<string, string[]> = {};
  const add = (field: string, messages: string[]) => (errors[field] ??= []).push(...messages);
  const parse = (schema: z.ZodType | undefined, value: unknown, part: string): unknown => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) add(issue.path.length ? issue.path.join(".") : part, [issue.message]);
    return undefined;
  };
  let query: Record<string, string> = {};
  if (operation.query && input.url !== undefined) {
    query = {};
    for (const [name, value] of new URL(input.url).searchParams) {
      if (Object.hasOwn(query, name)) add(name, [`${name} must be given once`]);
      else query[name] = value;
    }
  }
  const params = parse(operation.params, input.params ?? {}, "path");
  const parsedQuery = parse(operation.query, query, "query");
  const body = parse(operation.body, input.body ?? null, "body");
  if (Object.keys(errors).length > 0) {
    return { ok: false, response: problemResponse({ title: "One or more validation errors occurred.", status: 400, errors }) };
  }
  return { ok: true, params: params as Output<P>, query: parsedQuery as Output<Q>, body: body as Output<B> };
}

/** True when the request's body is declared as JSON (application/json, with or without parameters). */
export function isJsonBody(request: Request): boolean {
  const type = request.headers.get("content-type") ?? "";
  const semicolon = type.indexOf(";");
  return (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase() === "application/json";
}

/** The 415 for an operation's JSON body sent as anything else, or undefined. */
export function notJson(request: Request, what: string): Response | undefined {
  if (isJsonBody(request)) return undefined;
  return problemResponse({ title: "Unsupported media type", status: 415, detail: `Send ${what} as application/json.` });
}
