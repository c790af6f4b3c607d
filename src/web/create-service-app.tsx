// The Elysia instance each service starts from: security headers, embedded assets, bounded
// request bodies, CSRF on every state-changing page request, one JSON log line per request,
// GOV.UK error pages or problem+json, /health, /health/ready, and request metrics.
import { Elysia, type AnyElysia, type PreContext } from "elysia";
import { html } from "@elysiajs/html";
import type { Logger } from "../log/logger";
import { databaseBusy, databaseErrors } from "../metrics/metrics";
import { isDatabaseWriteError, type Readiness } from "../metrics/readiness";
import { noRoute, requestMetrics } from "../metrics/request-metrics";
import { allowedMethods, routeMethods, type RouteMethods } from "./allowed-methods";
import { assetPaths, assetResponse } from "./assets";
import { hostCookiesOnly } from "./cookies";
import { crossOriginReason, csrfFieldName, csrfTokenFor, isFormBody, isStateChanging, isValidCsrf, sameOriginHref } from "./csrf";
import { FormExpiredPage, FormNotAcceptedPage, MethodNotAllowedPage, NotFoundPage, ServerErrorPage, TooLargePage } from "./error-pages";
import { htmlResponse } from "./html";
import type { ServiceBrand } from "./layout";
import { problemResponse } from "./problem";
import { bodyTooLarge, declaresTooLarge, formBodyLimit, largestBodyLimit, limitBody, parseBody, readBody, serverBodyLimit } from "./request-body";
import { securityHeaders } from "./security-headers";
import { helpRoutes } from "./support";

export interface ServiceAppOptions {
  service: string;
  /** brand.url is the service's public URL: a page request from a browser must come from its origin. */
  brand: ServiceBrand;
  logger: Logger;
  /** True when the public URL is https: cookies get the __Host- prefix and Secure, responses get HSTS. */
  secure: boolean;
  /**
   * Paths (prefixes) that are JSON APIs, authenticated by bearer token or client credentials: their
   * errors are problem+json, never pages, and they are exempt from CSRF (no cookie authenticates them).
   */
  apiPrefixes: string[];
  /**
   * Body limits in bytes for API paths (prefixes) other than serverBodyLimit: less where a body is
   * small, up to largestBodyLimit where a route takes a file. Pages take formBodyLimit.
   */
  bodyLimits?: Record<string, number>;
  /**
   * API routes (exact paths) whose handler reads the raw body itself (readBody, readBodyText): the
   * web layer still reads it here, within its limit and before the handler, but does not parse it
   * (a form or JSON parse the handler would only repeat).
   */
  rawBodyPaths?: string[];
  /**
   * Page routes (exact paths) that take a file upload: multipart/form-data as well as a plain form,
   * up to `limit` bytes (at most largestBodyLimit), with the CSRF token checked as on every page.
   * `tooLarge` answers a body over the limit in the page's own words (its form and error summary).
   */
  uploadPages?: Record<string, { limit: number; tooLarge?: (request: Request) => Response }>;
  /**
   * Origins, besides this service, that a form's answer may redirect the browser to (CSP form-action).
   * Called on every request: return the same array for as long as it has not changed.
   */
  formActionOrigins?: () => readonly string[];
  /** Returns normally when the service can serve; throws when it cannot (e.g. its database). */
  healthCheck: () => void;
  /** Whether the service can do its job now: GET /health/ready (src/metrics/readiness.ts). */
  readiness?: Readiness;
}

interface RequestInfo {
  started: number;
  path?: string;
  /** A state-changing request to a page: its form must carry the CSRF token. */
  needsCsrfToken?: boolean;
}

/** When each request arrived, and its path once something asked for it (hooks ask up to three times). */
const requestInfo = new WeakMap<Request, RequestInfo>();
const assets = new Set(assetPaths);
const noOrigins: readonly string[] = [];

function pathOf(request: Request): string {
  const info = requestInfo.get(request);
  if (!info) return new URL(request.url).pathname;
  return (info.path ??= new URL(request.url).pathname);
}

function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
}

/** A JSON API by its path alone: what decides CSRF (a header anyone can send must not exempt a page). */
export function isApiPath(path: string, apiPrefixes: string[]): boolean {
  return apiPrefixes.some((prefix) => underPrefix(path, prefix));
}

/** Whether to answer with problem+json rather than a page: an API path, or a client that asks for JSON. */
export function isApiRequest(request: Request, apiPrefixes: string[]): boolean {
  if (isApiPath(pathOf(request), apiPrefixes)) return true;
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("json") && !accept.includes("text/html");
}

/** Each service app's API paths (its own apiPrefixes and /health), for servedRoutes. */
const apiPrefixesOf = new WeakMap<object, string[]>();

/**
 * Every path a service app answers, with its methods (its routes and the embedded assets), and
 * whether it is a JSON API (problem+json errors) or a page: what docs/ROUTES.md lists.
 */
export function servedRoutes(app: AnyElysia): (RouteMethods & { api: boolean })[] {
  const apiPrefixes = apiPrefixesOf.get(app) ?? [];
  return routeMethods(app.routes, assetPaths).map((route) => ({ ...route, api: isApiPath(route.path, apiPrefixes) }));
}

export function createServiceApp(options: ServiceAppOptions) {
  const { service, brand, logger, secure } = options;
  // /health answers JSON, so its refusals (405) are problem+json too.
  const apiPrefixes = [...options.apiPrefixes, "/health"];
  const ownOrigin = new URL(brand.url).origin;
  const bodyLimits = Object.entries(options.bodyLimits ?? {});
  const uploadPages = new Map(Object.entries(options.uploadPages ?? {}));
  for (const limit of [...bodyLimits.map(([, limit]) => limit), ...[...uploadPages.values()].map((page) => page.limit)]) {
    // Bun's backstop (bunBodyLimit) sits just above largestBodyLimit: a larger route limit would never be reached.
    if (limit > largestBodyLimit) throw new Error(`${service}: a body limit of ${limit} bytes is over largestBodyLimit`);
  }
  // Only API paths: a page's CSRF check reads the token from the parsed form.
  const rawBodyPaths = new Set(options.rawBodyPaths ?? []);
  for (const path of rawBodyPaths) {
    if (!isApiPath(path, apiPrefixes)) throw new Error(`${service}: raw body path ${path} is not an API path`);
  }
  const isApi = (request: Request) => isApiRequest(request, apiPrefixes);
  const bodyLimitFor = (path: string, api: boolean) =>
    api
      ? (bodyLimits.find(([prefix]) => underPrefix(path, prefix))?.[1] ?? serverBodyLimit)
      : (uploadPages.get(path)?.limit ?? formBodyLimit);

  // The headers object is rebuilt only when the form-action origins change.
  let headersFor: readonly string[] | undefined;
  let headers: Record<string, string> = {};
  const currentHeaders = () => {
    const origins = options.formActionOrigins?.() ?? noOrigins;
    if (origins !== headersFor) [headersFor, headers] = [origins, securityHeaders(origins, secure)];
    return headers;
  };

  const tooLarge = (request: Request, limit: number) =>
    isApi(request)
      ? problemResponse({ title: "Payload too large", status: 413, detail: `The request body must be ${limit} bytes or fewer.` })
      : (uploadPages.get(pathOf(request))?.tooLarge?.(request) ?? htmlResponse(<TooLargePage brand={brand} />, 413));
  const formExpired = (request: Request) =>
    isApi(request)
      ? problemResponse({ title: "Forbidden", status: 403, detail: "The form's security token is missing or does not match, or it came from another site." })
      : htmlResponse(
          <FormExpiredPage brand={brand} retryHref={sameOriginHref(request.headers.get("referer"), ownOrigin) ?? brand.url} />,
          403,
        );

  // Requests by route pattern and status, and their latency (docs/OPERATIONS.md "Metrics").
  const requests = requestMetrics(service);
  const busy = databaseBusy.series(service);
  const record = (request: Request, route: string, status: number) => {
    const started = requestInfo.get(request)?.started;
    requests.record(request.method, route, status, started === undefined ? 0 : (performance.now() - started) / 1000);
  };
  // An answer given before routing (an asset, a refused body) skips onAfterResponse: counted here.
  // The context is destructured, never passed on whole: Elysia reads this hook's source to decide
  // what to build for every request, and a context handed to a function makes it build everything.
  const countEarlyAnswer =
    (hook: (request: Request, set: PreContext["set"]) => Response | Promise<Response | undefined> | undefined) =>
    ({ request, set }: PreContext) => {
      const answer = hook(request, set);
      if (!answer) return answer;
      const route = assets.has(pathOf(request)) ? "(asset)" : noRoute;
      if (answer instanceof Response) record(request, route, answer.status);
      else void answer.then((response) => response && record(request, route, response.status));
      return answer;
    };

  // A method no route takes at a path that exists: 405 with Allow, or OPTIONS' 204 with Allow.
  // Read from the app's own routes (those the service adds later included) only for requests the
  // router did not match, so matched routes pay nothing.
  const allowed = allowedMethods(() => app.routes, assetPaths);
  const methodNotAllowed = (request: Request): Response | undefined => {
    const allow = allowed.allowFor(pathOf(request));
    if (!allow) return undefined;
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
    if (allowed.answers(request.method, pathOf(request))) return undefined;
    return isApi(request)
      ? problemResponse({ title: "Method not allowed", status: 405, detail: `This address accepts ${allow}.` }, { allow })
      : htmlResponse(<MethodNotAllowedPage brand={brand} />, 405, { allow });
  };
  const notFound = (request: Request) =>
    isApi(request)
      ? problemResponse({ title: "Not found", status: 404, detail: "There is no resource at this address." })
      : htmlResponse(<NotFoundPage brand={brand} />, 404);
  // The body-size and CSRF checks below refuse before routing; a request no route would take gets
  // what routing gives it (405 or 404), not a 413, 415 or 403 about a body nothing would read.
  const refuse = (request: Request, refusal: () => Response) =>
    allowed.answers(request.method, pathOf(request)) ? refusal() : (methodNotAllowed(request) ?? notFound(request));

  const app = new Elysia({ name: `${service}-base` })
    .use(html({ autoDetect: true }))
    // Not async: Elysia would then await this hook on every request. It answers only a known asset,
    // or a request refused before its body is read.
    .onRequest(countEarlyAnswer((request, set) => {
      const info: RequestInfo = { started: performance.now() };
      requestInfo.set(request, info);
      Object.assign(set.headers, currentHeaders());
      if (secure) {
        const cookie = request.headers.get("cookie");
        if (cookie) request.headers.set("cookie", hostCookiesOnly(cookie));
      }
      const method = request.method;
      if (method === "GET" || method === "HEAD") {
        const path = pathOf(request);
        if (assets.has(path)) return assetResponse(path);
        return;
      }
      const path = pathOf(request);
      const api = isApiPath(path, apiPrefixes);
      const limit = bodyLimitFor(path, api);
      limitBody(request, limit);
      if (declaresTooLarge(request, limit)) {
        return refuse(request, () => (logger.warn("body_too_large", { path, limit }), tooLarge(request, limit)));
      }
      if (api || !isStateChanging(method)) return;
      info.needsCsrfToken = true;
      if (!isFormBody(request, uploadPages.has(path))) {
        return refuse(request, () => {
          logger.warn("csrf_rejected", { path, reason: "not a form body" });
          return isApi(request)
            ? problemResponse({ title: "Unsupported media type", status: 415, detail: "Send the form as application/x-www-form-urlencoded." })
            : htmlResponse(<FormNotAcceptedPage brand={brand} />, 415);
        });
      }
      const crossOrigin = crossOriginReason(request, ownOrigin);
      if (crossOrigin) {
        return refuse(request, () => (logger.warn("csrf_rejected", { path, reason: crossOrigin }), formExpired(request)));
      }
    }))
    // Every body, of every route, is read here through readBody: never past its limit, and before
    // any handler (so before any authentication) runs. Handlers that want the raw body call readBody.
    .onParse({ as: "global" }, ({ request }, mediaType) =>
      rawBodyPaths.has(pathOf(request)) ? readBody(request) : parseBody(request, mediaType),
    )
    .derive({ as: "global" }, ({ request, set }) => {
      // The CSRF token for forms on this page; issued when the browser has none yet. APIs have no
      // forms, so they never get the cookie (nor pay for making it).
      if (isApiPath(pathOf(request), apiPrefixes)) return { csrfToken: "" };
      const csrf = csrfTokenFor(request.headers.get("cookie"), service, secure);
      if (csrf.setCookie) appendSetCookie(set.headers as Record<string, unknown>, csrf.setCookie);
      return { csrfToken: csrf.token };
    })
    .onBeforeHandle({ as: "global" }, ({ request, body }) => {
      if (!requestInfo.get(request)?.needsCsrfToken) return;
      const submitted = (body as Record<string, unknown> | null | undefined)?.[csrfFieldName];
      if (isValidCsrf(request.headers.get("cookie"), service, submitted)) return;
      logger.warn("csrf_rejected", { path: pathOf(request), reason: "token" });
      return formExpired(request);
    })
    .onError({ as: "global" }, ({ code, error, request, set }) => {
      // Record the status so the request log sees it (a returned Response is not seen there on errors).
      const respond = (response: Response) => ((set.status = response.status), response);
      const overLimit = bodyTooLarge(error);
      if (overLimit) {
        logger.warn("body_too_large", { path: pathOf(request), limit: overLimit.limit });
        return respond(tooLarge(request, overLimit.limit));
      }
      if (code === "NOT_FOUND") return respond(methodNotAllowed(request) ?? notFound(request));
      if (code === "VALIDATION") {
        const errors = zodLikeErrors(error);
        return respond(isApi(request)
          ? problemResponse({ title: "One or more validation errors occurred.", status: 400, errors })
          : htmlResponse(<NotFoundPage brand={brand} />, 400));
      }
      if (code === "PARSE") {
        return respond(isApi(request)
          ? problemResponse({ title: "The request body could not be read.", status: 400, detail: "Send valid JSON." })
          : htmlResponse(<ServerErrorPage brand={brand} />, 400));
      }
      const databaseCode = (error as { code?: unknown }).code;
      if (isDatabaseWriteError(databaseCode)) {
        options.readiness?.databaseFailed(databaseCode);
        databaseErrors.series(service, databaseCode).inc();
      }
      if (databaseCode === "SQLITE_BUSY") {
        // Another writer held the database past busy_timeout (e.g. a large records import):
        // nothing was saved, and the same request will work shortly.
        busy.inc();
        logger.warn("database_busy", { path: pathOf(request) });
        return respond(isApi(request)
          ? problemResponse({ title: "Service unavailable", status: 503, detail: "The database is busy. Nothing was changed: try again shortly." }, { "retry-after": "5" })
          : htmlResponse(<ServerErrorPage brand={brand} />, 503));
      }
      logger.error("unhandled_error", { path: pathOf(request), kind: String(code), error: error as Error });
      return respond(isApi(request)
        ? problemResponse({ title: "Internal server error", status: 500 })
        : htmlResponse(<ServerErrorPage brand={brand} />, 500));
    })
    .onAfterResponse({ as: "global" }, ({ request, set, responseValue, route }) => {
      const started = requestInfo.get(request)?.started;
      // A handler (or the error handler) that returns a Response sets its status there, not in set.
      const status = responseValue instanceof Response ? responseValue.status : set.status;
      const code = typeof status === "number" ? status : Number(status) || 200;
      // The route's pattern, never the path: paths carry TRNs and tokens.
      record(request, route || noRoute, code);
      logger.info("request", {
        method: request.method,
        // Path only: query strings carry tokens (trn_token, code).
        path: pathOf(request),
        status: code,
        ms: started === undefined ? undefined : Math.round((performance.now() - started) * 10) / 10,
      });
    })
    // "Get help", every footer's link (src/web/support.tsx).
    .use(helpRoutes(brand))
    .get("/health", () => {
      try {
        options.healthCheck();
        return new Response(JSON.stringify({ status: "ok", service }), {
          headers: { "content-type": "application/json", "cache-control": "no-store" },
        });
      } catch (error) {
        logger.error("health_check_failed", { error: error as Error });
        return problemResponse({ title: "Service unavailable", status: 503, detail: `${service} cannot reach its database.` });
      }
    })
    .get("/health/ready", () => {
      const report = options.readiness?.check() ?? { service, ready: true, checks: [] };
      if (report.ready) {
        return new Response(JSON.stringify({ status: "ready", service, checks: report.checks }), {
          headers: { "content-type": "application/json", "cache-control": "no-store" },
        });
      }
      const failing = report.checks.filter((check) => !check.ok);
      return problemResponse({
        title: "Service not ready",
        status: 503,
        detail: failing.map((check) => check.detail ?? `${check.name} is failing`).join("; "),
        service,
        checks: report.checks,
      });
    });
  apiPrefixesOf.set(app, apiPrefixes);
  return app;
}

function appendSetCookie(headers: Record<string, unknown>, cookie: string) {
  const existing = headers["set-cookie"];
  if (existing === undefined) headers["set-cookie"] = cookie;
  else headers["set-cookie"] = Array.isArray(existing) ? [...existing, cookie] : [existing as string, cookie];
}

/** Elysia's validation error -> { field: [messages] } without leaking schema internals. */
function zodLikeErrors(error: unknown): Record<string, string[]> {
  const all = (error as { all?: { path?: string; summary?: string; message?: string }[] }).all;
  if (!Array.isArray(all)) return { body: ["is not valid"] };
  const errors: Record<string, string[]> = {};
  for (const item of all) {
    const field = (item.path ?? "").replace(/^\//, "").replace(/\//g, ".") || "body";
    (errors[field] ??= []).push(item.summary ?? item.message ?? "is not valid");
  }
  return errors;
}

