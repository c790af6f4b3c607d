// The client's IP address, for rate limits and logs. X-Forwarded-For is trusted only when the
// operator says a reverse proxy sits in front (TRUST_PROXY=true); otherwise anyone could forge it.
import type { Server } from "bun";

export function clientIp(request: Request, server: Server<unknown> | null | undefined, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for");
    // The proxy appends the address it saw; the last entry is the one we can trust.
    const last = forwarded?.split(",").pop()?.trim();
    if (last) return last;
  }
  return server?.requestIP(request)?.address ?? "unknown";
}
