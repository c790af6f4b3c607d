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
import type { IdentityDatabaseFile, IdentityDb } from "../db/database";
import type { SecurityCodeSettings } from "./settings";
import { findAccountByEmail, partlyMaskEmail } from "../accounts/accounts";
import { survivorForMergedEmail } from "../accounts/merged-accounts";
import { hitRateLimits, type RateLimit } from "../rate-limit/rate-limit";
import { mergedAccountEmail, noAccountEmail, phoneCodeSms, recoveryCodeSms, signInCodeEmail } from "./messages";
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
 * when it has none (or, for the address of an account support merged into another, an email
 * naming that account's address). The caller's reply is the same either way: no page reveals which. Both ways do
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
    enqueueEmail(tx, account ? signInCodeEmail(input.email, code, account.preferredName) : noAccountOrMergedEmail(tx, input.email, supportContact(config).email), now);
    return { sent: true, codeId: id };
  });
}

/**
 * An address with no account: if support merged its account into another, the email says so and
 * names the other account's address (partly masked) to sign in with; the page is the same either way.
 */
function noAccountOrMergedEmail(db: IdentityDatabaseFile | Parameters<typeof survivorForMergedEmail>[0], email: string, supportEmail: string): EmailMessage {
  const survivor = survivorForMergedEmail(db, email);
  return survivor ? mergedAccountEmail(email, partlyMaskEmail(survivor.email), supportEmail) : noAccountEmail(email, supportEmail);
}

/**
 * Emails a code for `purpose` to `email` (e.g. a new address for an account, or the account's own
 * before it is deleted), under the same limits as every code sent to an address. With `message`
 * null the code is made but sent to nobody (the support console, for an address that is not
 * staff's: the same work and the same page, so no one learns which addresses are).
 */
export function sendEmailCode(
  db: IdentityDatabaseFile,
  config: Limits,
  input: { purpose: CodePurpose; email: string; ip: string; message: ((code: string) => EmailMessage) | null },
  now = Date.now(),
): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, limitsFor(config, "send", "email", input.email, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.retryAt };
    const { id, code } = issueSecurityCode(tx, { purpose: input.purpose, destination: input.email }, now);
    if (input.message) enqueueEmail(tx, input.message(code), now);
    return { sent: true, codeId: id };
  });
}

/** Texts a code to verify a mobile number (E.164). In the caller's transaction when given one (a savepoint). */
export function sendPhoneCode(db: IdentityDb, config: Limits, input: { phone: string; ip: string }, now = Date.now()): SendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, limitsFor(config, "send", "sms", input.phone, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.retryAt };
    const { id, code } = issueSecurityCode(tx, { purpose: "phone_verification", destination: input.phone }, now);
    enqueueSms(tx, phoneCodeSms(input.phone, code), now);
    return { sent: true, codeId: id };
  });
}

export type RecoverySendResult =
  | { sent: true; codeId: string; phoneEnding: string }
  | { sent: false; noMobile: true }
  | { sent: false; noMobile?: undefined; retryAt: number };

/**
 * "I cannot access this email address": texts a sign-in code to the verified mobile of the account
 * with this email address. The limits are the email address's (per address and IP, per IP, the
 * address's ceiling), and are spent whether or not there is an account or a mobile, so a refusal
 * tells nobody which. Without a verified mobile nothing is sent.
 */
export function sendRecoveryCode(db: IdentityDatabaseFile, config: Limits, input: { email: string; ip: string }, now = Date.now()): RecoverySendResult {
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, limitsFor(config, "send", "sms-recovery", input.email, input.ip), now);
    if (!limit.allowed) return { sent: false, retryAt: limit.retryAt };
    const account = findAccountByEmail(tx, input.email);
    const phone = account?.phoneNumberVerified ? account.phoneNumber : null;
    if (!phone) return { sent: false, noMobile: true };
    const { id, code } = issueSecurityCode(tx, { purpose: "sms_recovery", destination: phone }, now);
    enqueueSms(tx, recoveryCodeSms(phone, code), now);
    return { sent: true, codeId: id, phoneEnding: phone.slice(-3) };
  });
}

export interface CodeToCheck {
  /** The id of the code this journey asked for (undefined: it asked for none, so nothing matches). */
  codeId: string | undefined;
  purpose: CodePurpose;
  destination: string;
  ip: string;
}

/**
 * Counts the attempt against the limits (right or wrong), then checks the code: one commit for
 * both. Neither throws for a wrong, expired or used-up code (they return), so the attempt is counted
 * whatever the code; only a database error rolls both back.
 */
export function verifyCode(
  db: IdentityDb,
  config: Limits,
  input: CodeToCheck & { code: string },
  now = Date.now(),
): CodeCheck | { retryAt: number } {
  const kind = input.purpose === "phone_verification" || input.purpose === "sms_recovery" ? "sms" : "email";
  return db.transaction((tx) => {
    const limit = hitRateLimits(tx, limitsFor(config, "check", kind, input.destination, input.ip), now);
    if (!limit.allowed) return { retryAt: limit.retryAt };
    if (!input.codeId) return "none";
    return checkSecurityCode(tx, { id: input.codeId, purpose: input.purpose, destination: input.destination, code: input.code }, now);
  });
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
  db: IdentityDb,
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
