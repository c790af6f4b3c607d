// Free TCP ports on 127.0.0.1, so tests never clash with each other or with a running `serve`.
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}
