// Sending and checking security codes, with the rate limits per address and per client IP. The
// code and its message go into the outbox in the same transaction, so a code is never lost.
import { enqueueEmail, enqueueSms, type EmailMessage } from "../../outbox/enqueue";
import type { IdentityDatabase } from "../db/database";
import type { SecurityCodeSettings } from "./settings";
import { findAccountByEmail } from "../accounts/accounts";
import { hitRateLimits, type RateLimit } from "../rate-limit/rate-limit";
import { noAccountEmail, phoneCodeSms, signInCodeEmail } from "./messages";
import { checkSecurityCode, issueSecurityCode, normaliseCode, type CodeCheck, type CodePurpose } from "./security-codes";

type Limits = Pick<
  SecurityCodeSettings,
  "CODE_SEND_LIMIT_PER_ADDRESS" | "CODE_SEND_LIMIT_PER_IP" | "CODE_CHECK_LIMIT_PER_ADDRESS" | "CODE_CHECK_LIMIT_PER_IP" | "RATE_LIMIT_WINDOW"
>;

export type SendResult = { sent: true } | { sent: false; retryAt: number };

function sendLimits(config: Limits, kind: string, destination: string, ip: string) {
  const rule = (limit: number): RateLimit => ({ limit, windowMs: config.RATE_LIMIT_WINDOW });
  return [
    { key: `send:${kind}:to:${destination}`, rule: rule(config.CODE_SEND_LIMIT_PER_ADDRESS) },
    { key: `send:ip:${ip}`, rule: rule(config.CODE_SEND_LIMIT_PER_IP) },
  ];
}

/**
 * Emails a sign-in code when the address has an account, and a "you do not have an account" email
 * when it has none. The caller's reply is the same either way: no page reveals which.
 */
export function sendSignInCode(db: IdentityDatabase, config: Limits, input: { email: string; ip: string }, now = Date.now()): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, sendLimits(config, "email", input.email, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.resetAt };
    if (findAccountByEmail(tx, input.email)) {
      const code = issueSecurityCode(tx, { purpose: "email_sign_in", destination: input.email }, now);
      enqueueEmail(tx, signInCodeEmail(input.email, code), now);
    } else {
      enqueueEmail(tx, noAccountEmail(input.email), now);
    }
    return { sent: true };
  });
}

/**
 * Emails a code for `purpose` to `email` (e.g. a new address for an account, or the account's own
 * before it is deleted), under the same limits as every code sent to an address.
 */
export function sendEmailCode(
  db: IdentityDatabase,
  config: Limits,
  input: { purpose: CodePurpose; email: string; ip: string; message: (code: string) => EmailMessage },
  now = Date.now(),
): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, sendLimits(config, "email", input.email, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.resetAt };
    const code = issueSecurityCode(tx, { purpose: input.purpose, destination: input.email }, now);
    enqueueEmail(tx, input.message(code), now);
    return { sent: true };
  });
}

/** Texts a code to verify a mobile number (E.164). */
export function sendPhoneCode(db: IdentityDatabase, config: Limits, input: { phone: string; ip: string }, now = Date.now()): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, sendLimits(config, "sms", input.phone, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.resetAt };
    const code = issueSecurityCode(tx, { purpose: "phone_verification", destination: input.phone }, now);
    enqueueSms(tx, phoneCodeSms(input.phone, code), now);
    return { sent: true };
  });
}

/** Counts the attempt against the limits (right or wrong), then checks the code. */
export function verifyCode(
  db: IdentityDatabase,
  config: Limits,
  input: { purpose: CodePurpose; destination: string; code: string; ip: string },
  now = Date.now(),
): CodeCheck | "rate_limited" {
  const rule = (limit: number): RateLimit => ({ limit, windowMs: config.RATE_LIMIT_WINDOW });
  const limit = hitRateLimits(
    db,
    [
      { key: `check:${input.purpose}:${input.destination}`, rule: rule(config.CODE_CHECK_LIMIT_PER_ADDRESS) },
      { key: `check:ip:${input.ip}`, rule: rule(config.CODE_CHECK_LIMIT_PER_IP) },
    ],
    now,
  );
  if (!limit.allowed) return "rate_limited";
  return checkSecurityCode(db, input, now);
}

/** What a code page says when the typed code does not work (GOV.UK wording). */
export const codeErrors = {
  missing: "Enter the security code",
  format: "Enter the security code in the correct format: 6 digits, like 123456",
  wrong: "The security code is incorrect. Check the code and try again",
  expired: "The security code has expired. Send another code",
  dead: "You entered an incorrect code too many times. Send another code",
};

/**
 * A code as typed on a page (spaces allowed). A missing or malformed one is refused without using
 * up a try; otherwise the attempt counts against the limits and the code is checked.
 */
export function checkTypedCode(
  db: IdentityDatabase,
  config: Limits,
  input: { purpose: CodePurpose; destination: string; typed: string; ip: string },
  now = Date.now(),
): "ok" | "rate_limited" | { error: string } {
  if (input.typed.trim() === "") return { error: codeErrors.missing };
  const code = normaliseCode(input.typed);
  if (!code) return { error: codeErrors.format };
  const check = verifyCode(db, config, { purpose: input.purpose, destination: input.destination, code, ip: input.ip }, now);
  if (check === "ok" || check === "rate_limited") return check;
  if (check === "expired") return { error: codeErrors.expired };
  if (check === "too_many_attempts") return { error: codeErrors.dead };
  return { error: codeErrors.wrong };
}

/** When the current rate-limit window ends: the earliest a refused check can be tried again. */
export function windowEnd(config: Pick<SecurityCodeSettings, "RATE_LIMIT_WINDOW">, now = Date.now()): number {
  return now - (now % config.RATE_LIMIT_WINDOW) + config.RATE_LIMIT_WINDOW;
}

/** "3:45pm" style time for "try again after" messages, in UK time. */
export function retryTime(at: number): string {
  return new Date(at)
    .toLocaleTimeString("en-GB", { hour: "numeric", minute: "2-digit", hour12: true, timeZone: "Europe/London" })
    .replace(" ", "");
}
