// Turning rendered JSX into responses.
export function htmlResponse(body: JSX.Element, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(String(body), {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

/** 303 See Other: where a form POST goes next (a 302 could be replayed as POST). */
export function seeOther(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...headers } });
}
