import { expect, test } from "bun:test";
import { createLogger, maskEmail } from "../../src/log/logger";

test("log lines are single JSON objects and secret-looking fields are redacted", () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (l) => lines.push(l) }).child({ service: "identity" });
  logger.info("token_issued", { trnToken: "abc123", code: "123456", client_secret: "s3cret", errorCode: 10001, email: maskEmail("jane.doe@example.com") });
  expect(lines).toHaveLength(1);
  const entry = JSON.parse(lines[0]);
  expect(entry).toMatchObject({ level: "info", event: "token_issued", service: "identity", errorCode: 10001, email: "j***@example.com" });
  expect(lines[0]).not.toContain("abc123");
  expect(lines[0]).not.toContain("123456");
  expect(lines[0]).not.toContain("s3cret");
});

test("levels below the threshold are dropped", () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "warn", write: (l) => lines.push(l) });
  logger.info("ignored");
  logger.warn("kept");
  expect(lines.map((l) => JSON.parse(l).event)).toEqual(["kept"]);
});
