// The Elysia instance each service starts from: security headers, embedded assets, CSRF on every
// form POST, one JSON log line per request, GOV.UK error pages or problem+json, and /health.
import { Elysia } from "elysia";
import { html } from "@elysiajs/html";
import type { Logger } from "../log/logger";
import { assetPaths, assetResponse } from "./assets";
import { csrfFieldName, csrfTokenFor, isFormSubmission, isValidCsrf } from "./csrf";
import { FormExpiredPage, NotFoundPage, ServerErrorPage } from "./error-pages";
import { htmlResponse } from "./html";
import type { ServiceBrand } from "./layout";
import { problemResponse } from "./problem";
import { applySecurityHeaders } from "./security-headers";

export interface ServiceAppOptions {
  service: string;
  brand: ServiceBrand;
  logger: Logger;
  /** True when the public URL is https: cookies get Secure, responses get HSTS. */
  secure: boolean;
  /** Paths (prefixes) that are JSON APIs: their errors are problem+json, never pages. */
  apiPrefixes: string[];
  /** Form-encoded POST endpoints that are protocol APIs, not forms (e.g. OAuth's /token). */
  csrfExemptPaths?: string[];
  /** Returns normally when the service can serve; throws when it cannot (e.g. its database). */
  healthCheck: () => void;
}

/** When each request arrived, and its path once something asked for it (hooks ask up to three times). */
const requestInfo = new WeakMap<Request, { started: number; path?: string }>();
const assets = new Set(assetPaths);

function pathOf(request: Request): string {
  const info = requestInfo.get(request);
  if (!info) return new URL(request.url).pathname;
  return (info.path ??= new URL(request.url).pathname);
}

export function isApiRequest(request: Request, apiPrefixes: string[]): boolean {
  const path = pathOf(request);
  if (apiPrefixes.some((prefix) => path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")))
    return true;
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("json") && !accept.includes("text/html");
}

export function createServiceApp(options: ServiceAppOptions) {
  const { service, brand, logger, secure, apiPrefixes } = options;
  const csrfExempt = new Set(options.csrfExemptPaths ?? []);
  const isApi = (request: Request) => isApiRequest(request, apiPrefixes);

  return new Elysia({ name: `${service}-base` })
    .use(html({ autoDetect: true }))
    // Not async: Elysia would then await this hook on every request. Only a known asset answers here.
    .onRequest(({ request, set }) => {
      requestInfo.set(request, { started: performance.now() });
      applySecurityHeaders(set.headers as Record<string, unknown>, secure);
      if (request.method === "GET" || request.method === "HEAD") {
        const path = pathOf(request);
        if (assets.has(path)) return assetResponse(path);
      }
    })
    .derive({ as: "global" }, ({ request, set }) => {
      // The CSRF token for forms on this page; issued when the browser has none yet. APIs have no
      // forms, so they never get the cookie (nor pay for making it).
      if (isApi(request)) return { csrfToken: "" };
      const csrf = csrfTokenFor(request.headers.get("cookie"), service, secure);
      if (csrf.setCookie) appendSetCookie(set.headers as Record<string, unknown>, csrf.setCookie);
      return { csrfToken: csrf.token };
    })
    .onBeforeHandle({ as: "global" }, ({ request, body }) => {
      if (!isFormSubmission(request)) return;
      if (csrfExempt.has(pathOf(request))) return;
      const submitted = (body as Record<string, unknown> | undefined)?.[csrfFieldName];
      if (isValidCsrf(request.headers.get("cookie"), service, submitted)) return;
      logger.warn("csrf_rejected", { path: pathOf(request) });
      const back = request.headers.get("referer");
      return htmlResponse(<FormExpiredPage brand={brand} retryHref={back && back.startsWith(brand.url) ? back : brand.url} />, 403);
    })
    .onError({ as: "global" }, ({ code, error, request, set }) => {
      // Record the status so the request log sees it (a returned Response is not seen there on errors).
      const respond = (response: Response) => ((set.status = response.status), response);
      if (code === "NOT_FOUND") {
        return respond(isApi(request)
          ? problemResponse({ title: "Not found", status: 404, detail: "There is no resource at this address." })
          : htmlResponse(<NotFoundPage brand={brand} />, 404));
      }
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
      if ((error as { code?: unknown }).code === "SQLITE_BUSY") {
        // Another writer held the database past busy_timeout (e.g. a large records import):
        // nothing was saved, and the same request will work shortly.
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
    .onAfterResponse({ as: "global" }, ({ request, set, responseValue }) => {
      const started = requestInfo.get(request)?.started;
      // A handler (or the error handler) that returns a Response sets its status there, not in set.
      const status = responseValue instanceof Response ? responseValue.status : set.status;
      logger.info("request", {
        method: request.method,
        // Path only: query strings carry tokens (trn_token, code).
        path: pathOf(request),
        status: typeof status === "number" ? status : Number(status) || 200,
        ms: started === undefined ? undefined : Math.round((performance.now() - started) * 10) / 10,
      });
    })
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
    });
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

