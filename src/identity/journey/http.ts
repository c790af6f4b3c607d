// Responses the journey routes send: pages and 303s that may set several cookies at once.
export function pageResponse(body: JSX.Element, options: { status?: number; cookies?: string[] } = {}): Response {
  const headers = new Headers({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  for (const cookie of options.cookies ?? []) headers.append("set-cookie", cookie);
  return new Response(String(body), { status: options.status ?? 200, headers });
}

export function seeOtherWithCookies(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const cookie of cookies) headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}

/** A form body as plain strings (Elysia parses urlencoded forms into an object). */
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
