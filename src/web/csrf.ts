// CSRF protection for every state-changing request to a page, whatever its Content-Type:
// - pages take only form bodies (application/x-www-form-urlencoded; multipart/form-data on a page
//   that declares a file upload): anything else is refused with 415 before it is read, so no
//   handler acts on a body the check could not see;
// - the browser must not say the request came from another origin (Origin, Sec-Fetch-Site): this
//   refuses a page on another port of localhost or a sibling subdomain, which SameSite=Lax lets
//   through as "same-site";
// - the form must echo the double-submit token: the cookie holds a random value, each form a hidden
//   `_csrf` field. Another site can make the browser send the cookie but cannot read it.
// APIs (bearer tokens, client credentials) carry no cookies that authenticate, so they are exempt.
import { constantTimeEqual, randomToken } from "../security/tokens";
import { readCookie, serializeCookie } from "./cookies";

export const csrfFieldName = "_csrf";

export function csrfCookieName(service: string): string {
  return `${service}_csrf`;
}

/** The token for this browser, creating it (and its Set-Cookie) when the browser has none. */
export function csrfTokenFor(
  cookieHeader: string | null,
  service: string,
  secure: boolean,
): { token: string; setCookie?: string } {
  const existing = readCookie(cookieHeader, csrfCookieName(service));
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return { token: existing };
  const token = randomToken();
  return { token, setCookie: serializeCookie(csrfCookieName(service), token, { secure }) };
}

export function isValidCsrf(cookieHeader: string | null, service: string, submitted: unknown): boolean {
  const expected = readCookie(cookieHeader, csrfCookieName(service));
  if (!expected || typeof submitted !== "string") return false;
  return constantTimeEqual(expected, submitted);
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** POST, PUT, PATCH, DELETE and anything else that is not a read. */
export function isStateChanging(method: string): boolean {
  return !safeMethods.has(method);
}

/**
 * The only bodies a page route takes: what a GOV.UK form sends, and multipart/form-data where the
 * page takes a file upload. Either way the token travels as the form's `_csrf` field.
 */
export function isFormBody(request: Request, takesUpload = false): boolean {
  const type = request.headers.get("content-type");
  if (!type) return false;
  const semicolon = type.indexOf(";");
  const mediaType = (semicolon < 0 ? type : type.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === "application/x-www-form-urlencoded" || (takesUpload && mediaType === "multipart/form-data");
}

/**
 * Why the browser says this request came from elsewhere, or undefined when it does not.
 * `ownOrigin` is the service's public origin (its URL setting), compared in full, port included.
 * An absent Origin, or "null" (what browsers send from a page with Referrer-Policy: no-referrer, as
 * ours are), proves nothing either way: the token alone decides then.
 */
export function crossOriginReason(request: Request, ownOrigin: string): string | undefined {
  const site = request.headers.get("sec-fetch-site");
  // same-origin, or none (the user's own action, e.g. a bookmark): anything else is another site's page.
  if (site !== null && site !== "same-origin" && site !== "none") return `sec-fetch-site: ${site}`;
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== "null" && origin !== ownOrigin) return "origin";
  return undefined;
}

/** `href` when it is an address on `origin` (compared as parsed origins), else undefined. */
export function sameOriginHref(href: string | null, origin: string): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href);
    return url.origin === origin && (url.protocol === "http:" || url.protocol === "https:") ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
