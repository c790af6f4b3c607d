// The tests' port scheme (test/helpers/ports.ts): a start that finds one of its ports taken by
// someone else fails loudly as a port clash and is tried again on new ports; it never ends up
// talking to the other server.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { startServeProcess } from "../helpers/binary";
import { freshServicePorts, isPortClash, retryOnPortClash } from "../helpers/ports";
import { startTestSystem, testEnv } from "../helpers/system";

// Another test's server, on the port our first try is given.
const other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("someone else") });
afterAll(() => other.stop(true));

test("in this process: the start that finds its port taken is tried again on new ports", async () => {
  const tries: number[] = [];
  const system = await retryOnPortClash((attempt) => {
    tries.push(attempt);
    return startTestSystem({ only: ["identity"], ports: attempt === 1 ? freshServicePorts({ identity: other.port }) : undefined });
  });
  try {
    expect(tries).toEqual([1, 2]);
    expect(system.ports.identity).not.toBe(other.port);
    const discovery = (await (await fetch(`${system.urls.identity}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(system.urls.identity);
    expect(await (await fetch(`http://127.0.0.1:${other.port}/`)).text()).toBe("someone else");
  } finally {
    await system.stop();
  }
});

test("a serve process that finds its port taken exits, and is reported as a port clash", async () => {
  const { env, dataDir } = testEnv({ ports: { records: other.port }, env: { LOG_LEVEL: "warn" } });
  try {
    const failed = await startServeProcess([process.execPath, "src/main.ts", "serve", "--only", "records"], {
      cwd: join(import.meta.dir, "../.."),
      env,
    }).catch((error: unknown) => error);
    expect(isPortClash(failed)).toBe(true);
    expect(String(failed)).toContain(String(other.port));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
