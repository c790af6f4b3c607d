// The test SMTP server is real: nodemailer delivers to it over TCP.
import { afterAll, expect, test } from "bun:test";
import nodemailer from "nodemailer";
import { startSmtpServer } from "../helpers/smtp";

const smtp = await startSmtpServer();
afterAll(() => smtp.close());

test("a message sent with nodemailer arrives, and a refusing server fails the send", async () => {
  const transport = nodemailer.createTransport(smtp.url);
  await transport.sendMail({ from: "a@example.com", to: "Teacher@Example.com", subject: "Hello", text: "Body" });
  const message = await smtp.waitForMessage("teacher@example.com");
  expect(message.subject).toBe("Hello");
  expect(message.text.trim()).toBe("Body");
  smtp.refuse = true;
  await expect(transport.sendMail({ from: "a@example.com", to: "b@example.com", subject: "x", text: "y" })).rejects.toThrow();
  smtp.refuse = false;
});
