// A local webhook subscriber for `make bench` (row "webhooks"): a Bun.serve that verifies every
// delivery with the standardwebhooks package, as a real subscriber would, and notes when each
// event arrived. While `up` is false it answers 503 (an outage).
import { Webhook } from "standardwebhooks";

export interface Arrival {
  id: number;
  type: string;
  at: number;
}

export interface BenchSubscriber {
  url: string;
  arrivals: Arrival[];
  /** Deliveries whose signature did not verify. */
  refused: number;
  up: boolean;
  setSecret(secret: string): void;
  stop(): void;
}

export function startWebhookSubscriber(): BenchSubscriber {
  let verifier: Webhook | undefined;
  const subscriber: BenchSubscriber = {
    url: "",
    arrivals: [],
    refused: 0,
    up: true,
    setSecret: (secret) => (verifier = new Webhook(secret)),
    stop: () => server.stop(true),
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const body = await request.text();
      if (!subscriber.up) return new Response("down", { status: 503 });
      try {
        const message = verifier!.verify(body, Object.fromEntries(request.headers)) as { id: string; type: string };
        if (message.type !== "Ping") subscriber.arrivals.push({ id: Number(message.id), type: message.type, at: performance.now() });
        return new Response(null, { status: 204 });
      } catch {
        subscriber.refused++;
        return new Response("bad signature", { status: 401 });
      }
    },
  });
  subscriber.url = `http://127.0.0.1:${server.port}/events`;
  return subscriber;
}
