// SIGTERM's path (RunningSystem.stop): no new connections, but a request already in flight is
// answered before the databases close.
import { expect, test } from "bun:test";
import { startTestSystem } from "../helpers/system";

test("a request in flight when stop() begins is still answered; new connections are refused", async () => {
  const system = await startTestSystem({ only: ["identity"] });
  const tokenUrl = `${system.urls.identity}/token`;
  // A client that sends its body slowly: the request is in flight while the server stops.
  let sendRest!: () => void;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(new TextEncoder().encode("grant_type=client_credentials&client_id=nobody"));
      await new Promise<void>((resolve) => (sendRest = resolve));
      controller.enqueue(new TextEncoder().encode("&client_secret=wrong"));
      controller.close();
    },
  });
  const inFlight = fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
    duplex: "half",
  });
  await Bun.sleep(100);
  const stopped = system.stop();
  await Bun.sleep(100);
  // While stopping, the port takes no new connections.
  await expect(fetch(`${system.urls.identity}/health`)).rejects.toThrow();
  sendRest();
  const response = await inFlight;
  // Answered in full (an unknown client is refused by the OAuth rules, not by a dropped socket).
  expect(response.status).toBe(401);
  expect(await response.json()).toMatchObject({ error: "invalid_client" });
  await stopped;
  expect(system.logs.some((l) => l.event === "service_stopped" && l.service === "identity")).toBe(true);
});
