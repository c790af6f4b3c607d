// Every request body is read here, once, and never past its limit. A body that says it is too
// large (Content-Length) is refused before a byte of it is read; a chunked body is counted as it
// arrives and refused as soon as it passes the limit. So nothing is read, parsed or authenticated
// beyond a few KiB, whoever sends it.
import { parseQuery } from "elysia/parse-query";

/** The largest body any route takes, unless the service names a smaller one for a path. */
export const serverBodyLimit = 64 * 1024;
/** Pages' forms: a few short fields. */
export const formBodyLimit = 16 * 1024;
/** The largest file a route takes (a change request's evidence). */
export const uploadFileLimit = 10 * 1024 * 1024;
/**
 * The largest body any route takes: one file of uploadFileLimit with a few short fields and the
 * multipart framing. Only routes that take a file are given it (bodyLimits, uploadPages).
 */
export const largestBodyLimit = uploadFileLimit + 512 * 1024;
/**
 * Bun's own cap (Bun.serve maxRequestBodySize), just above the largest route limit: a backstop for
 * a body read some other way. Bun answers a Content-Length over it with a bare 413 before the app
 * runs, which a browser shows as its own error page (see uploadPageBodyBackstop).
 */
export const bunBodyLimit = largestBodyLimit + 64 * 1024;
/**
 * The backstop of a service with an upload page. A teacher's file over the page's limit must still
 * reach the app, which refuses it by its Content-Length, unread, with the form's own error summary;
 * Bun's bare 413 would show the browser's error page instead. Nothing past the route's limit is
 * read either way.
 */
export const uploadPageBodyBackstop = 64 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

/** The BodyTooLargeError behind `error` (Elysia wraps errors thrown while parsing), if any. */
export function bodyTooLarge(error: unknown): BodyTooLargeError | undefined {
  for (let e = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof BodyTooLargeError) return e;
  }
  return undefined;
}

const limits = new WeakMap<Request, number>();
const bodies = new WeakMap<Request, Promise<Uint8Array>>();

/** Sets the limit for this request's body (createServiceApp does, from its path, before anything reads it). */
export function limitBody(request: Request, limit: number): void {
  limits.set(request, limit);
}

export function bodyLimitOf(request: Request): number {
  return limits.get(request) ?? serverBodyLimit;
}

/** True when the request declares a body longer than `limit`: refuse it without reading. */
export function declaresTooLarge(request: Request, limit: number): boolean {
  const declared = request.headers.get("content-length");
  return declared !== null && Number(declared) > limit;
}

/** The body's bytes, read at most once per request and never past its limit (throws BodyTooLargeError). */
export function readBody(request: Request): Promise<Uint8Array> {
  let body = bodies.get(request);
  if (!body) bodies.set(request, (body = readWithin(request, bodyLimitOf(request))));
  return body;
}

export async function readBodyText(request: Request): Promise<string> {
  return new TextDecoder().decode(await readBody(request));
}

async function readWithin(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  if (declaresTooLarge(request, limit)) throw new BodyTooLargeError(limit);
  // With a Content-Length within the limit, the server reads exactly that many bytes.
  if (request.headers.get("content-length") !== null) return new Uint8Array(await request.arrayBuffer());
  // Chunked: count as it arrives.
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * The body as Elysia's handlers expect it, by media type (as Elysia's own parsers would give it),
 * read through readBody. Undefined when there is no body or no parser for its type.
 */
export async function parseBody(request: Request, mediaType: string): Promise<unknown> {
  if (!request.body) return undefined;
  const bytes = await readBody(request);
  switch (mediaType) {
    case "application/json":
      return JSON.parse(new TextDecoder().decode(bytes));
    case "application/x-www-form-urlencoded":
      return parseQuery(new TextDecoder().decode(bytes));
    case "text/plain":
      return new TextDecoder().decode(bytes);
    case "multipart/form-data": {
      const type = request.headers.get("content-type") ?? "";
      const form = await new Response(bytes, { headers: { "content-type": type } }).formData();
      // A name given more than once (two files under one name) becomes an array, as in Elysia's own
      // parser: a handler can then refuse it rather than silently keep one.
      // (fromEntries: a field named __proto__ stays a field.)
      return Object.fromEntries(
        [...new Set(form.keys())].map((name) => {
          const values = form.getAll(name);
          return [name, values.length === 1 ? values[0] : values];
        }),
      );
    }
    case "application/octet-stream":
      return bytes.buffer;
    default:
      return undefined;
  }
}
