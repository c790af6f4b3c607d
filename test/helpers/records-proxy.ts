// TEST ONLY. A forwarding proxy in front of the REAL records: every request goes to records unchanged
// (so identity and access use records' real matcher, POST /v2/teachers/find). It only watches and,
// on demand, fails: it keeps each body POSTed to /v2/teachers/find (so a test can count what records
// was asked), and answers 503 for a find whose lastName a test listed, as if records were down.
// It has no matching logic.
export interface RecordsProxy {
  url: string;
  /** Every body POSTed to /v2/teachers/find, in order. */
  requests: Record<string, unknown>[];
  /** Last names for which a find is answered 503 here, without asking records. */
  unavailableFor: Set<string>;
  /** records' own address, set once records is listening. */
  forwardTo: string;
  close(): void;
}

export function startRecordsProxy(): RecordsProxy {
  const proxy: Omit<RecordsProxy, "url" | "close"> = { requests: [], unavailableFor: new Set(), forwardTo: "" };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      if (url.pathname === "/v2/teachers/find" && request.method === "POST" && body) {
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;
        } catch {}
        proxy.requests.push(parsed);
        if (typeof parsed.lastName === "string" && proxy.unavailableFor.has(parsed.lastName)) {
          return new Response(JSON.stringify({ title: "Service unavailable", status: 503 }), { status: 503, headers: { "content-type": "application/problem+json" } });
        }
      }
      const headers = new Headers(request.headers);
      headers.delete("host");
      const answer = await fetch(proxy.forwardTo + url.pathname + url.search, { method: request.method, headers, body, redirect: "manual" });
      const out = new Headers(answer.headers);
      out.delete("content-encoding");
      out.delete("content-length");
      return new Response(await answer.arrayBuffer(), { status: answer.status, headers: out });
    },
  });
  return Object.assign(proxy, { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) });
}
