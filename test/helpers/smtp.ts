// A real SMTP server for tests (smtp-server + mailparser), listening on a free loopback port.
// Services deliver to it with nodemailer through SMTP_URL, exactly as in production.
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";

export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  receivedAt: number;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  messages: ReceivedEmail[];
  /** While true, every message is refused with a 451 (temporary failure). */
  refuse: boolean;
  /** Resolves with the first message to `to` that matches, waiting up to timeoutMs. */
  waitForMessage(to: string, options?: { timeoutMs?: number; match?: (m: ReceivedEmail) => boolean }): Promise<ReceivedEmail>;
  close(): Promise<void>;
}

/** `port`: listen there (e.g. where a service was told an SMTP server would be); a free one by default. */
export async function startSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const messages: ReceivedEmail[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        if (state.refuse) {
          const error = new Error("Try again later") as Error & { responseCode: number };
          error.responseCode = 451;
          return callback(error);
        }
        const parsed = await simpleParser(Buffer.concat(chunks));
        messages.push({
          from: parsed.from?.text ?? "",
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          html: typeof parsed.html === "string" ? parsed.html : "",
          receivedAt: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    get refuse() {
      return state.refuse;
    },
    set refuse(value: boolean) {
      state.refuse = value;
    },
    async waitForMessage(to, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 10_000);
      while (Date.now() < deadline) {
        const found = messages.find((m) => m.to.includes(to.toLowerCase()) && (options.match?.(m) ?? true));
        if (found) return found;
        await Bun.sleep(20);
      }
      throw new Error(`No email to ${to} within ${options.timeoutMs ?? 10_000} ms (got ${messages.length} others)`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
