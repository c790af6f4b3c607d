// TEST-ONLY. A stand-in for records' POST /v2/teachers/find (the contract the matcher branch
// builds: scope teachers:match; 200 {match:"unique", trn} | 200 {match:"none"}; 400/401/403
// problem+json), put in front of the REAL records: every other request is forwarded to records
// unchanged, so access and identity read real records through it. It exists only until records has
// the endpoint; at merge the tests point at records itself. Its matching rule is deliberately
// minimal: last name (or a previous one) and date of birth, plus the TRN or NI number, or the
// provider and award year, against the teachers a test lists.
import { decodeJwt } from "jose";

export interface StandInTeacher {
  trn: string;
  lastName: string;
  dateOfBirth: string;
  nationalInsuranceNumber?: string;
  ittProviderName?: string;
  awardYear?: number;
}

export interface MatcherStandIn {
  url: string;
  /** The teachers it matches against (a test may add to it). */
  teachers: StandInTeacher[];
  /** Every body POSTed to /v2/teachers/find, in order. */
  requests: Record<string, unknown>[];
  /** Last names for which it answers 503, as if records were down. */
  unavailableFor: Set<string>;
  /** Where it forwards everything else (records' own address), set once records is listening. */
  forwardTo: string;
  close(): void;
}

const problem = (status: number, title: string) =>
  new Response(JSON.stringify({ title, status }), { status, headers: { "content-type": "application/problem+json" } });
const same = (a: unknown, b: unknown) => typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

export function startMatcherStandIn(): MatcherStandIn {
  const standIn: Omit<MatcherStandIn, "url" | "close"> = { teachers: [], requests: [], unavailableFor: new Set(), forwardTo: "" };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      if (url.pathname === "/v2/teachers/find" && request.method === "POST") {
        const bearer = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
        if (!bearer) return problem(401, "Unauthorized");
        const scopes = String(decodeJwt(bearer).scope ?? "").split(" ");
        if (!scopes.includes("teachers:match")) return problem(403, "Forbidden");
        const body = (await request.json()) as Record<string, unknown>;
        standIn.requests.push(body);
        if (typeof body.lastName !== "string" || typeof body.dateOfBirth !== "string") return problem(400, "Bad request");
        if (standIn.unavailableFor.has(body.lastName)) return problem(503, "Service unavailable");
        const names = [body.lastName, ...((body.previousLastNames as string[] | undefined) ?? [])];
        const found = standIn.teachers.filter(
          (t) =>
            names.some((n) => same(n, t.lastName)) &&
            t.dateOfBirth === body.dateOfBirth &&
            (body.trn === t.trn ||
              (body.nationalInsuranceNumber !== undefined && body.nationalInsuranceNumber === t.nationalInsuranceNumber) ||
              (same(body.ittProviderName, t.ittProviderName) && body.awardYear === t.awardYear)),
        );
        return Response.json(found.length === 1 ? { match: "unique", trn: found[0].trn } : { match: "none" });
      }
      const headers = new Headers(request.headers);
      headers.delete("host");
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      const answer = await fetch(standIn.forwardTo + url.pathname + url.search, { method: request.method, headers, body, redirect: "manual" });
      const out = new Headers(answer.headers);
      out.delete("content-encoding");
      out.delete("content-length");
      return new Response(await answer.arrayBuffer(), { status: answer.status, headers: out });
    },
  });
  return Object.assign(standIn, { url: `http://127.0.0.1:${server.port}`, close: () => server.stop(true) });
}
