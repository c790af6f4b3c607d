// An SMTP server that accepts and discards every message, counting deliveries per recipient
// (so the benchmark can tell "all accepted" and "none twice"). Loopback, free port.
import { SMTPServer } from "smtp-server";

export interface SmtpSink {
  url: string;
  /** Messages accepted, per recipient address. */
  deliveries: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const deliveries = new Map<string, number>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    maxClients: 100,
    onData(stream, session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        for (const r of session.envelope.rcptTo)
          deliveries.set(r.address.toLowerCase(), (deliveries.get(r.address.toLowerCase()) ?? 0) + 1);
        total++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    deliveries,
    total: () => total,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
