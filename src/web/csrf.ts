// CSRF protection for every form POST: a double-submit token. The cookie holds a random value;
// each form echoes it in a hidden `_csrf` field. Another site can make the browser send the
// cookie but cannot read it, so it cannot fill in the field.
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

/** A POST that an HTML form can send, from any site, without a CORS preflight. */
export function isFormSubmission(request: Request): boolean {
  if (request.method !== "POST") return false;
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data") || type.startsWith("text/plain");
}
