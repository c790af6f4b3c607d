// Turning rendered JSX into responses, and reading form bodies.

/** Extra response headers: a plain record, or Headers when several cookies are set at once (withCookies). */
export type ExtraHeaders = Record<string, string> | Headers;

function merge(base: Record<string, string>, extra: ExtraHeaders): Headers {
  const headers = new Headers(base);
  const entries = extra instanceof Headers ? [...extra.entries()] : Object.entries(extra);
  // Headers.entries() yields each Set-Cookie separately; every other header replaces the default.
  for (const [name, value] of entries) name.toLowerCase() === "set-cookie" ? headers.append(name, value) : headers.set(name, value);
  return headers;
}

export function htmlResponse(body: JSX.Element, status = 200, headers: ExtraHeaders = {}): Response {
  return new Response(String(body), {
    status,
    headers: merge({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, headers),
  });
}

/** 303 See Other: where a form POST goes next (a 302 could be replayed as POST). */
export function seeOther(location: string, headers: ExtraHeaders = {}): Response {
  return new Response(null, { status: 303, headers: merge({ location, "cache-control": "no-store" }, headers) });
}

/** Headers that set each of `cookies` (a journey may start one cookie and end another). */
export function withCookies(cookies: string[]): Headers {
  const headers = new Headers();
  for (const cookie of cookies) headers.append("set-cookie", cookie);
  return headers;
}

/** A form body as plain strings (Elysia parses urlencoded forms into an object; a repeated field keeps its first value). */
export function formFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === "object") {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === "string") out[key] = value;
      else if (Array.isArray(value) && typeof value[0] === "string") out[key] = value[0];
    }
  }
  return out;
}
