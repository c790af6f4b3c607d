// Cookie helpers. Cookies are not isolated by port, so on localhost the three services share one
// jar: every cookie name starts with its service's name (identity_session, access_session, ...).
//
// Under https every cookie goes out as `__Host-<name>`: the browser then keeps it only if this host
// set it, with Secure and Path=/ and no Domain, so a sibling subdomain or a plain-http page cannot
// plant or overwrite it. Code names cookies without the prefix: serializeCookie adds it, and
// createServiceApp passes every https request's Cookie header through hostCookiesOnly() before any
// code reads it, which keeps only the prefixed cookies (named without the prefix). So no reader can
// take an unprefixed, plantable cookie for the real one.
//
// A cookie scoped to a path (the support console's, Path=/admin) cannot be `__Host-` (that needs
// Path=/): under https it goes out as `__Secure-<name>`, and hostCookiesOnly() keeps such cookies
// WITH their prefix, so code reads them by that full name (cookieName(name, secure, path)) and no
// other reader can mistake one for its own cookie.
export interface CookieOptions {
  maxAgeSeconds?: number;
  secure: boolean;
  /** Path=/ unless given (then the cookie is `__Secure-` rather than `__Host-` under https). */
  path?: string;
}

export const hostPrefix = "__Host-";
export const securePrefix = "__Secure-";

/** The name the browser stores: `__Host-<name>` under https (`__Secure-<name>` for a path-scoped cookie). */
export function cookieName(name: string, secure: boolean, path = "/"): string {
  if (!secure) return name;
  return (path === "/" ? hostPrefix : securePrefix) + name;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  // __Host- requires Path=/ and Secure, and no Domain (never set here).
  const path = options.path ?? "/";
  const parts = [`${cookieName(name, options.secure, path)}=${encodeURIComponent(value)}`, `Path=${path}`, "HttpOnly", "SameSite=Lax"];
  if (options.secure) parts.push("Secure");
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join("; ");
}

export function clearCookie(name: string, options: { secure: boolean; path?: string }): string {
  return serializeCookie(name, "", { ...options, maxAgeSeconds: 0 });
}

/**
 * An https request's Cookie header as code should see it: only `__Host-` cookies, named without
 * the prefix. Any other cookie could have been set by another host or over http, so it is dropped.
 */
export function hostCookiesOnly(header: string): string {
  const kept: string[] = [];
  for (const part of header.split(";")) {
    const pair = part.trim();
    if (pair.startsWith(hostPrefix)) kept.push(pair.slice(hostPrefix.length));
    // Path-scoped cookies keep their prefix: only a reader that asks for the prefixed name sees them.
    else if (pair.startsWith(securePrefix)) kept.push(pair);
  }
  return kept.join("; ");
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
