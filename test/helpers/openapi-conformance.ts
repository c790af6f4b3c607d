// Checks API responses against the service's own OpenAPI document, so the document cannot drift
// from what the routes do. watchApiResponses() wraps fetch for one test file: every response that
// comes back from the service's API (whoever asked: the test, or another service in this process)
// is checked against the document's schema for its route and status, and must carry the RateLimit
// fields. Failures are collected; the test file asserts there are none (afterEach) and that it
// checked something.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

type Json = Record<string, any>;

export interface ConformanceFailure {
  request: string;
  status: number;
  problem: string;
}

export async function loadApiDocument(baseUrl: string): Promise<Json> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`${baseUrl}/openapi.json answered ${response.status}`);
  return (await response.json()) as Json;
}

/** The document's operation for a request: its path template matched segment by segment. */
export function findOperation(document: Json, method: string, pathname: string): { template: string; operation: Json } | undefined {
  const segments = pathname.split("/");
  for (const [template, item] of Object.entries(document.paths as Record<string, Json>)) {
    const parts = template.split("/");
    if (parts.length !== segments.length) continue;
    const matches = parts.every((part, i) => (part.startsWith("{") && part.endsWith("}") ? segments[i] !== "" : part === segments[i]));
    const operation = item[method.toLowerCase()];
    if (matches && operation) return { template, operation };
  }
  return undefined;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

export interface ConformanceChecker {
  /** Problems with one response (none: it conforms). */
  check(method: string, url: string, response: { status: number; headers: Headers; body: string }, options?: { rateLimitFields?: boolean }): string[];
}

export function createConformanceChecker(document: Json): ConformanceChecker {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The whole document is one schema resource: #/components/schemas/... refs resolve inside it.
  ajv.addSchema(document, "openapi");
  return {
    check(method, url, response, options = {}) {
      const { pathname } = new URL(url);
      const found = findOperation(document, method, pathname);
      if (!found) return [`no operation in the document for ${method} ${pathname}`];
      const status = String(response.status);
      const documented = found.operation.responses?.[status];
      if (!documented) return [`status ${status} is not documented for ${method.toUpperCase()} ${found.template}`];
      const problems: string[] = [];
      if ((options.rateLimitFields ?? true) && (!response.headers.get("ratelimit") || !response.headers.get("ratelimit-policy"))) {
        problems.push("no RateLimit / RateLimit-Policy fields");
      }
      const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
      const content = documented.content as Json | undefined;
      if (!content) {
        if (response.body !== "") problems.push(`a body where the document says none (${type})`);
        return problems;
      }
      if (!content[type]) return [...problems, `content type ${type || "(none)"}; the document says ${Object.keys(content).join(", ")}`];
      // A file (a download): the document names its media type; there is no JSON to check.
      if (content[type].schema?.contentMediaType === type) return problems;
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch {
        return [...problems, "the body is not JSON"];
      }
      const ref = `openapi#/${pointer("paths", found.template, method.toLowerCase(), "responses", status, "content", type, "schema")}`;
      const validate = ajv.getSchema(ref);
      if (!validate) return [...problems, `cannot compile ${ref}`];
      if (!validate(body)) problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`));
      return problems;
    },
  };
}

export interface ResponseWatch {
  failures: ConformanceFailure[];
  /** How many responses were checked. */
  checked: number;
  /** Puts fetch back. */
  restore(): void;
}

/**
 * From now until restore(), every response from `baseUrl` to a path the document describes is
 * checked. Paths outside `apiPrefixes` (pages, /health, /openapi.json) are left alone; a path
 * inside them that the document does not describe is a failure.
 */
export function watchApiResponses(
  baseUrl: string,
  document: Json,
  options: {
    apiPrefixes: string[];
    /** Only these requests, of those under apiPrefixes (e.g. POSTs to two paths, not probes of other addresses). */
    include?: (request: { method: string; url: URL }, response: Response) => boolean;
    /** Answers that come before the rate limiter (e.g. a body the web layer could not parse). */
    rateLimitFieldsExempt?: (request: { method: string; url: URL; init?: RequestInit }, response: Response) => boolean;
  },
): ResponseWatch {
  const checker = createConformanceChecker(document);
  const original = globalThis.fetch;
  const watch: ResponseWatch = {
    failures: [],
    checked: 0,
    restore: () => {
      globalThis.fetch = original;
    },
  };
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const response = await original(input, init);
    // Read from the arguments, not a new Request: that would take a streamed body the call needs.
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (url.origin !== new URL(baseUrl).origin) return response;
    if (!options.apiPrefixes.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) return response;
    if (options.include && !options.include({ method, url }, response)) return response;
    const body = await response.clone().text();
    watch.checked += 1;
    const rateLimitFields = !options.rateLimitFieldsExempt?.({ method, url, init }, response);
    for (const problem of checker.check(method, url.href, { status: response.status, headers: response.headers, body }, { rateLimitFields })) {
      watch.failures.push({ request: `${method} ${url.pathname}${url.search}`, status: response.status, problem });
    }
    return response;
  };
  globalThis.fetch = Object.assign(wrapped, { preconnect: original.preconnect }) as typeof fetch;
  return watch;
}
