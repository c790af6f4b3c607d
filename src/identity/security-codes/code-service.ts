// Sending and checking security codes, with their rate limits. The code and its message go into the
// outbox in the same transaction, so a code is never lost.
//
// Nobody can lock a teacher out (issue 11, item 4):
// - a code belongs to the journey that asked for it, and wrong guesses count on that code only
//   (5, then it is dead): guessing from another browser uses up the guesser's own code;
// - sends and checks are limited per (address, client IP) and per client IP, so an attacker
//   elsewhere uses up only their own buckets; a refused try counts nowhere;
// - a per-address ceiling over every IP, far above one person's use, stops a flood of codes to one
//   inbox; like every limit here it slows down (one more each interval) and never locks out.
import { supportContact, type SharedSettings } from "../../config/config";
import { enqueueEmail, enqueueSms, type EmailMessage } from "../../outbox/enqueue";
import type { IdentityDatabaseFile } from "../db/database";
import type { SecurityCodeSettings } from "./settings";
import { findAccountByEmail } from "../accounts/accounts";
import { hitRateLimits, type RateLimit } from "../rate-limit/rate-limit";
import { noAccountEmail, phoneCodeSms, signInCodeEmail } from "./messages";
import { checkSecurityCode, issueSecurityCode, normaliseCode, type CodeCheck, type CodePurpose } from "./security-codes";

type Limits = SecurityCodeSettings & Partial<Pick<SharedSettings, "SUPPORT_EMAIL" | "SUPPORT_RESPONSE_TIME">>;

export type SendResult = { sent: true; codeId: string } | { sent: false; retryAt: number };

/** The buckets one send or one check goes through: (address, IP), IP, and the address's ceiling. */
function limitsFor(config: Limits, action: "send" | "check", kind: string, destination: string, ip: string) {
  const rule = (limit: number): RateLimit => ({ limit, windowMs: config.RATE_LIMIT_WINDOW });
  const [perAddressAndIp, perIp, ceiling] =
    action === "send"
      ? [config.CODE_SEND_LIMIT_PER_ADDRESS_AND_IP, config.CODE_SEND_LIMIT_PER_IP, config.CODE_SEND_CEILING_PER_ADDRESS]
      : [config.CODE_CHECK_LIMIT_PER_ADDRESS_AND_IP, config.CODE_CHECK_LIMIT_PER_IP, config.CODE_CHECK_CEILING_PER_ADDRESS];
  return [
    { key: `${action}:${kind}:to:${destination}:ip:${ip}`, rule: rule(perAddressAndIp) },
    { key: `${action}:ip:${ip}`, rule: rule(perIp) },
    { key: `${action}:${kind}:to:${destination}`, rule: rule(ceiling) },
  ];
}

/**
 * Emails a sign-in code when the address has an account, and a "you do not have an account" email
 * when it has none. The caller's reply is the same either way: no page reveals which. Both ways do
 * the same database work (issue 11, item 5): an address with no account gets a code too, which is
 * never sent, so nobody knows it, and which can sign no one in (the code step needs the account).
 * It also dies after 5 wrong tries, as a real one does, so the code page cannot tell them apart.
 */
export function sendSignInCode(db: IdentityDatabaseFile, config: Limits, input: { email: string; ip: string }, now = Date.now()): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, limitsFor(config, "send", "email", input.email, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.retryAt };
    const account = findAccountByEmail(tx, input.email);
    const { id, code } = issueSecurityCode(tx, { purpose: "email_sign_in", destination: input.email }, now);
    enqueueEmail(tx, account ? signInCodeEmail(input.email, code, account.preferredName) : noAccountEmail(input.email, supportContact(config).email), now);
    return { sent: true, codeId: id };
  });
}

/**
 * Emails a code for `purpose` to `email` (e.g. a new address for an account, or the account's own
 * before it is deleted), under the same limits as every code sent to an address.
 */
export function sendEmailCode(
  db: IdentityDatabaseFile,
  config: Limits,
  input: { purpose: CodePurpose; email: string; ip: string; message: (code: string) => EmailMessage },
  now = Date.now(),
): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, limitsFor(config, "send", "email", input.email, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.retryAt };
    const { id, code } = issueSecurityCode(tx, { purpose: input.purpose, destination: input.email }, now);
    enqueueEmail(tx, input.message(code), now);
    return { sent: true, codeId: id };
  });
}

/** Texts a code to verify a mobile number (E.164). */
export function sendPhoneCode(db: IdentityDatabaseFile, config: Limits, input: { phone: string; ip: string }, now = Date.now()): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, limitsFor(config, "send", "sms", input.phone, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.retryAt };
    const { id, code } = issueSecurityCode(tx, { purpose: "phone_verification", destination: input.phone }, now);
    enqueueSms(tx, phoneCodeSms(input.phone, code), now);
    return { sent: true, codeId: id };
  });
}

export interface CodeToCheck {
  /** The id of the code this journey asked for (undefined: it asked for none, so nothing matches). */
  codeId: string | undefined;
  purpose: CodePurpose;
  destination: string;
  ip: string;
}

/** Counts the attempt against the limits (right or wrong), then checks the code. */
export function verifyCode(
  db: IdentityDatabaseFile,
  config: Limits,
  input: CodeToCheck & { code: string },
  now = Date.now(),
): CodeCheck | { retryAt: number } {
  const kind = input.purpose === "phone_verification" ? "sms" : "email";
  const limit = hitRateLimits(db, limitsFor(config, "check", kind, input.destination, input.ip), now);
  if (!limit.allowed) return { retryAt: limit.retryAt };
  if (!input.codeId) return "none";
  return checkSecurityCode(db, { id: input.codeId, purpose: input.purpose, destination: input.destination, code: input.code }, now);
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
 * up a try; otherwise the attempt counts against the limits and the code is checked. A refusal by
 * the limits says when to try again.
 */
export function checkTypedCode(
  db: IdentityDatabaseFile,
  config: Limits,
  input: CodeToCheck & { typed: string },
  now = Date.now(),
): "ok" | { retryAt: number } | { error: string } {
  if (input.typed.trim() === "") return { error: codeErrors.missing };
  const code = normaliseCode(input.typed);
  if (!code) return { error: codeErrors.format };
  const check = verifyCode(db, config, { ...input, code }, now);
  if (check === "ok" || typeof check === "object") return check;
  if (check === "expired") return { error: codeErrors.expired };
  if (check === "too_many_attempts") return { error: codeErrors.dead };
  return { error: codeErrors.wrong };
}
