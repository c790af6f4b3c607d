// A small HTTP load generator: N concurrent keep-alive clients, each sending its next request as
// soon as the last one answered, for a fixed time (and never more than a fixed count).
// Loopback only; every response's status is checked, so a fast stream of errors is not a result.

export interface LoadOptions {
  /** Concurrent requests in flight (Bun's fetch keeps one connection per in-flight request). */
  concurrency: number;
  /** Requests before this are not counted (connections, JIT and caches warm up). */
  warmupMs: number;
  durationMs: number;
  /** Hard cap on requests, counted or not. */
  maxRequests: number;
  /** The i-th request (i counts from 0 across all clients, warm-up included). */
  request(i: number): Request;
  /** Statuses that count as success. */
  expectStatus: number[];
  /** Called about every 100 ms while measuring (e.g. to sample the server's memory). */
  onTick?: () => void;
}

export interface LoadResult {
  /** Successful responses including the warm-up (e.g. how many emails to expect). */
  totalOk: number;
  requests: number;
  errors: number;
  /** Successful responses per second over the measured window. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The first few unexpected answers, for the report. */
  errorSamples: string[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  let measuring = false;
  let stop = false;
  let ok = 0;
  let totalOk = 0;
  let errors = 0;
  const latencies: number[] = [];
  const errorSamples: string[] = [];

  const client = async () => {
    while (!stop && next < options.maxRequests) {
      const i = next++;
      const request = options.request(i);
      const started = performance.now();
      let status = 0;
      let detail = "";
      try {
        const response = await fetch(request);
        status = response.status;
        const body = await response.arrayBuffer();
        if (!options.expectStatus.includes(status)) detail = new TextDecoder().decode(body).slice(0, 200);
      } catch (error) {
        detail = (error as Error).message;
      }
      if (options.expectStatus.includes(status)) totalOk++;
      if (!measuring) continue;
      if (options.expectStatus.includes(status)) {
        ok++;
        latencies.push(performance.now() - started);
      } else {
        errors++;
        if (errorSamples.length < 3) errorSamples.push(`${status} ${detail}`);
      }
    }
  };

  const clients = Array.from({ length: options.concurrency }, client);
  await Bun.sleep(options.warmupMs);
  measuring = true;
  const started = performance.now();
  const ticker = options.onTick ? setInterval(options.onTick, 100) : undefined;
  while (!stop && performance.now() - started < options.durationMs && next < options.maxRequests) await Bun.sleep(20);
  const elapsed = performance.now() - started;
  stop = true;
  if (ticker) clearInterval(ticker);
  const okAtStop = ok;
  await Promise.all(clients);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : NaN;
  return {
    totalOk,
    requests: ok + errors,
    errors,
    perSecond: okAtStop / (elapsed / 1000),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    maxMs: latencies.at(-1) ?? NaN,
    errorSamples,
  };
}
