// The mailer's transports against real servers: an SMTP server (smtp-server), a local HTTP server
// standing in for GOV.UK Notify's REST API, and the dev mailbox file.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jwtVerify } from "jose";
import { loadIdentityConfig } from "../../src/identity/settings";
import { silentLogger } from "../../src/log/logger";
import { readDevMailbox } from "../../src/mail/dev-mailbox";
import { createMailer, mailHandlers, maskPhone } from "../../src/mail/mailer";
import { parseNotifyApiKey } from "../../src/mail/notify-sms";
import { PermanentFailure } from "../../src/outbox/worker";
import { SMTPServer } from "smtp-server";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp";

const serviceId = "26785a09-ab16-4eb0-8407-a37497a57506";
const secretKey = "3d844edf-8d35-48ac-975b-e847b4f122b0";
const apiKey = `teacher_id_test-${serviceId}-${secretKey}`;
const templateId = "f33517ff-2a88-4f6e-b855-c550268ce08a";

let smtp: TestSmtpServer;
let dataDir: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
const freshDir = () => (dataDir = mkdtempSync(join(tmpdir(), "mail-")));

describe("SMTP transport", () => {
  test("delivers plain text and HTML from MAIL_FROM to the SMTP server in SMTP_URL", async () => {
    const config = loadIdentityConfig({ DATA_DIR: freshDir(), SMTP_URL: smtp.url, MAIL_FROM: "Teacher ID <no-reply@example.org>" });
    const mailer = createMailer(config, silentLogger);
    try {
      expect(mailer.emailTransport).toBe("smtp");
      await mailer.sendEmail({ to: "jane.doe@example.com", subject: "Your code", text: "Code 123456", html: "<p>Code 123456</p>" });
      const message = await smtp.waitForMessage("jane.doe@example.com");
      expect(message.subject).toBe("Your code");
      expect(message.text.trim()).toBe("Code 123456");
      expect(message.html).toContain("<p>Code 123456</p>");
      expect(message.from).toContain("no-reply@example.org");
    } finally {
      mailer.close();
    }
  });

  test("logs in with the user and password in SMTP_URL (URL-encoded), and a wrong password fails the send", async () => {
    const logins: { username?: string | null; password?: string | null }[] = [];
    const server = new SMTPServer({
      authMethods: ["PLAIN", "LOGIN"],
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username, password: auth.password });
        if (auth.username === "mailer" && auth.password === "p@ss:word") return callback(null, { user: "mailer" });
        callback(new Error("Invalid username or password"));
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on("end", () => callback());
      },
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.server.address() as { port: number }).port;
    try {
      const good = createMailer(loadIdentityConfig({ DATA_DIR: freshDir(), SMTP_URL: `smtp://mailer:p%40ss%3Aword@127.0.0.1:${port}` }), silentLogger);
      await good.sendEmail({ to: "a@example.com", subject: "s", text: "t" });
      good.close();
      expect(logins.at(-1)).toEqual({ username: "mailer", password: "p@ss:word" });
      const bad = createMailer(loadIdentityConfig({ DATA_DIR: freshDir(), SMTP_URL: `smtp://mailer:wrong@127.0.0.1:${port}` }), silentLogger);
      await expect(bad.sendEmail({ to: "a@example.com", subject: "s", text: "t" })).rejects.toThrow();
      bad.close();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test("a refusing server makes the send fail (so the outbox retries it)", async () => {
    const mailer = createMailer(loadIdentityConfig({ DATA_DIR: freshDir(), SMTP_URL: smtp.url }), silentLogger);
    smtp.refuse = true;
    try {
      await expect(mailer.sendEmail({ to: "refused@example.com", subject: "s", text: "t" })).rejects.toThrow();
    } finally {
      smtp.refuse = false;
      mailer.close();
    }
    expect(smtp.messages.some((m) => m.to.includes("refused@example.com"))).toBe(false);
  });

  test("?requireTLS=true in SMTP_URL refuses a server that offers no STARTTLS (nothing is sent in clear)", async () => {
    const mailer = createMailer(loadIdentityConfig({ DATA_DIR: freshDir(), SMTP_URL: `${smtp.url}?requireTLS=true` }), silentLogger);
    try {
      await expect(mailer.sendEmail({ to: "cleartext@example.com", subject: "s", text: "t" })).rejects.toThrow();
    } finally {
      mailer.close();
    }
    expect(smtp.messages.some((m) => m.to.includes("cleartext@example.com"))).toBe(false);
  });

  test("an unreachable server fails the send rather than losing the message", async () => {
    const mailer = createMailer(loadIdentityConfig({ DATA_DIR: freshDir(), SMTP_URL: "smtp://127.0.0.1:1" }), silentLogger);
    try {
      await expect(mailer.sendEmail({ to: "x@example.com", subject: "s", text: "t" })).rejects.toThrow();
    } finally {
      mailer.close();
    }
  });
});

describe("dev mailbox", () => {
  test("without SMTP_URL in development, email and SMS are stored in DATA_DIR/dev-mailbox.sqlite, newest first", async () => {
    const dir = freshDir();
    const mailer = createMailer(loadIdentityConfig({ DATA_DIR: dir }), silentLogger);
    const handlers = mailHandlers(mailer, silentLogger);
    const context = { id: 1, kind: "email", attempts: 0, updatePayload() {} };
    await handlers.email({ to: "jane@example.com", subject: "First", text: "one" }, context);
    await handlers.sms({ to: "+447700900123", text: "Your code is 123456" }, context);
    mailer.close();
    const entries = readDevMailbox(dir);
    expect(entries.map((e) => [e.channel, e.to, e.subject, e.text])).toEqual([
      ["sms", "+447700900123", null, "Your code is 123456"],
      ["email", "jane@example.com", "First", "one"],
    ]);
  });

  test("is refused in production", () => {
    const config = { ...loadIdentityConfig({ DATA_DIR: freshDir() }), ENVIRONMENT: "production" as const, SMTP_URL: smtp.url };
    expect(() => createMailer(config, silentLogger)).toThrow(/dev mailbox is for development only/);
  });

  test("a production service that sends no SMS needs only SMTP", () => {
    const config = { ...loadIdentityConfig({ DATA_DIR: freshDir() }), ENVIRONMENT: "production" as const, SMTP_URL: smtp.url };
    const mailer = createMailer(config, silentLogger, { sms: false });
    try {
      expect(mailer.devMailbox).toBeUndefined();
      expect(mailer.smsTransport).toBe("none");
    } finally {
      mailer.close();
    }
  });

  test("handlers refuse a malformed payload for good instead of retrying it forever", async () => {
    const mailer = createMailer(loadIdentityConfig({ DATA_DIR: freshDir() }), silentLogger);
    try {
      const context = { id: 1, kind: "email", attempts: 0, updatePayload() {} };
      await expect(mailHandlers(mailer, silentLogger).email({ to: "a@example.com" }, context)).rejects.toBeInstanceOf(PermanentFailure);
    } finally {
      mailer.close();
    }
  });
});

describe("GOV.UK Notify SMS", () => {
  const received: { path: string; authorization: string | null; body: any }[] = [];
  let reply = { status: 201, body: { id: "740e5834-3a29-46b4-9a6f-16142fde533a" } as unknown };
  const notify = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      received.push({ path: new URL(request.url).pathname, authorization: request.headers.get("authorization"), body: await request.json() });
      return Response.json(reply.body, { status: reply.status });
    },
  });
  afterAll(() => notify.stop(true));
  const notifyConfig = () =>
    loadIdentityConfig({
      DATA_DIR: freshDir(),
      NOTIFY_API_KEY: apiKey,
      NOTIFY_SMS_TEMPLATE_ID: templateId,
      NOTIFY_BASE_URL: `http://127.0.0.1:${notify.port}`,
    });

  test("the API key splits into service id and secret key", () => {
    expect(parseNotifyApiKey(apiKey)).toEqual({ serviceId, secretKey });
  });

  test("posts to /v2/notifications/sms with a JWT signed by the secret key, issued by the service id", async () => {
    const mailer = createMailer(notifyConfig(), silentLogger);
    try {
      expect(mailer.smsTransport).toBe("notify");
      await mailer.sendSms({ to: "+447700900123", text: "Your Teacher ID code is 123456" });
    } finally {
      mailer.close();
    }
    const request = received.at(-1)!;
    expect(request.path).toBe("/v2/notifications/sms");
    expect(request.body).toEqual({
      phone_number: "+447700900123",
      template_id: templateId,
      personalisation: { message: "Your Teacher ID code is 123456" },
    });
    const token = request.authorization!.replace(/^Bearer /, "");
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secretKey), { issuer: serviceId });
    expect(protectedHeader.alg).toBe("HS256");
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(60);
    // Signed with anything else, it does not verify.
    await expect(jwtVerify(token, new TextEncoder().encode("wrong"))).rejects.toThrow();
  });

  test("a 400 from Notify is permanent; a 5xx or 429 is retried", async () => {
    const mailer = createMailer(notifyConfig(), silentLogger);
    try {
      reply = { status: 400, body: { errors: [{ error: "ValidationError", message: "phone_number Not a UK mobile number" }] } };
      await expect(mailer.sendSms({ to: "+10000000000", text: "x" })).rejects.toBeInstanceOf(PermanentFailure);
      reply = { status: 500, body: { errors: [{ error: "Exception" }] } };
      const outage = await mailer.sendSms({ to: "+447700900123", text: "x" }).catch((e) => e);
      expect(outage).toBeInstanceOf(Error);
      expect(outage).not.toBeInstanceOf(PermanentFailure);
    } finally {
      reply = { status: 201, body: { id: "x" } };
      mailer.close();
    }
  });

  test("NOTIFY_API_KEY without a template id is a configuration error", () => {
    expect(() => loadIdentityConfig({ NOTIFY_API_KEY: apiKey })).toThrow(/NOTIFY_SMS_TEMPLATE_ID is required when NOTIFY_API_KEY is set/);
  });

  test("phone numbers in logs are masked", () => {
    expect(maskPhone("+447700900123")).toBe("+44*******123");
  });
});
