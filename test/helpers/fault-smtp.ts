// A real SMTP server (smtp-server + mailparser) that can go down and come back on the same port,
// for the fault tests: while down nothing listens (a client's connection is refused, as when the
// mail relay is stopped); up() listens again where the services already send. It keeps every
// message it accepted across outages, with the moment the data began to arrive and the moment it
// was accepted, so a test can tell a duplicate caused by a kill mid-send from any other.
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";

export interface AcceptedEmail {
  to: string[];
  subject: string;
  text: string;
  /** When the first byte of the message data arrived (the sender had begun to send). */
  dataStartedAt: number;
  /** When the server accepted it (its 250 reply went back then). */
  acceptedAt: number;
}

export interface FaultSmtpServer {
  url: string;
  port: number;
  messages: AcceptedEmail[];
  readonly isUp: boolean;
  /** Stops listening and drops every open connection at once. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Messages to one address, in the order accepted. */
  to(address: string): AcceptedEmail[];
  /** Resolves once every message already accepted (250 sent) has been parsed into `messages`. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultSmtpServer(): Promise<FaultSmtpServer> {
  const messages: AcceptedEmail[] = [];
  // Messages accepted but still being parsed: the 250 goes back before parsing.
  const parsing = new Set<Promise<void>>();
  let server: SMTPServer | undefined;
  let port = 0;

  const listen = async () => {
    const next = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      // down(): open connections are dropped at once, not after the default 30 s grace.
      closeTimeout: 1,
      // No limit on connections: the services' pools (10 each) reconnect after every restart.
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        let dataStartedAt = 0;
        stream.on("data", (chunk: Buffer) => {
          dataStartedAt ||= Date.now();
          chunks.push(chunk);
        });
        stream.on("end", async () => {
          // Accepted now, as a mail relay accepts once the message is queued: the 250 goes back at
          // once, and the message is read afterwards (parsing under load would hold the reply).
          const acceptedAt = Date.now();
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
          const parsed = simpleParser(Buffer.concat(chunks)).then((mail) => {
            messages.push({ to, subject: mail.subject ?? "", text: mail.text ?? "", dataStartedAt: dataStartedAt || acceptedAt, acceptedAt });
          });
          parsing.add(parsed);
          void parsed.finally(() => parsing.delete(parsed));
          callback();
        });
      },
    });
    // A sender killed mid-conversation resets its connection: expected here, not an error of the test.
    next.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      next.server.once("error", reject);
      next.listen(port, "127.0.0.1", () => resolve());
    });
    port = (next.server.address() as { port: number }).port;
    server = next;
  };

  const stop = async () => {
    const current = server;
    server = undefined;
    if (!current) return;
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };

  await listen();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    get isUp() {
      return server !== undefined;
    },
    down: stop,
    async up() {
      if (server) return;
      // The port was ours a moment ago; only another process grabbing it in between fails here.
      for (let attempt = 1; ; attempt++) {
        try {
          return await listen();
        } catch (error) {
          if (attempt >= 20) throw error;
          await Bun.sleep(100);
        }
      }
    },
    to: (address) => messages.filter((m) => m.to.includes(address.toLowerCase())),
    settled: async () => {
      while (parsing.size) await Promise.all([...parsing]);
    },
    close: stop,
  };
}
