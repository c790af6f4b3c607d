// Ports for the services under test, chosen so that two tests (or two test runs on one machine)
// can never end up sharing one.
//
// A server a test starts itself (the SMTP server, a Bun.serve stub) listens on port 0 and reads
// its port back: nothing to race for. The three services cannot: each one's URL is in the others'
// configuration (and is identity's issuer) before any of them listens. So their ports are picked
// as "free right now", and the whole start is tried again on new ones when another process took
// one in between: the start fails with EADDRINUSE, whether in this process (Bun.serve throws) or
// in a child `serve` (it exits and says so; see startServeProcess in binary.ts). A collision costs
// a retry, never a test talking to someone else's server.
import type { ServiceName } from "../../src/config/config";

export type ServicePorts = Record<ServiceName, number>;

/** How many starts on fresh ports before giving up (each clash needs another process to win a race). */
const startAttempts = 5;

/**
 * A port nothing listens on at this moment. Another process may take it before we listen, so the
 * tests use it only inside retryOnPortClash. (bench/run.ts, run by hand and alone, uses it too: a
 * clash there fails the run loudly.)
 */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

/** Fresh ports for the services; only inside retryOnPortClash (see above). */
export function freshServicePorts(given: Partial<ServicePorts> = {}): ServicePorts {
  return {
    identity: given.identity ?? freePort(),
    records: given.records ?? freePort(),
    access: given.access ?? freePort(),
  };
}

/** The error a start fails with when one of its ports was taken. */
export function isPortClash(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "EADDRINUSE";
}

/**
 * Runs `start`, which picks fresh ports itself, again while it fails because a port was taken.
 * `start` must leave nothing behind when it throws, and begin from a clean state each time
 * (e.g. a new data directory: identity registers its clients with the URLs of the first start).
 */
export async function retryOnPortClash<T>(start: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(attempt);
    } catch (error) {
      if (!isPortClash(error) || attempt >= startAttempts) throw error;
    }
  }
}
