// A service that cannot be reached, at an address no other test can take: it listens on port 0
// (so it holds its port) and closes every connection as soon as it opens, so a client's request
// fails before any HTTP, as it does when the service is down. comeBack() makes it answer at the
// same address, as a service that was restarted.
import { createServer } from "node:http";

export interface UnreachableServer {
  url: string;
  /** From now on, answer requests with this handler. */
  comeBack(handler: (request: Request) => Response | Promise<Response>): void;
  close(): Promise<void>;
}

export async function startUnreachableServer(): Promise<UnreachableServer> {
  let handler: ((request: Request) => Response | Promise<Response>) | undefined;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const response = await handler!(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  server.on("connection", (socket) => {
    if (!handler) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    comeBack(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
