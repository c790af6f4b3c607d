// The emails and texts identity sends for sign-in and registration, from templates/ (embedded in
// the binary). The first line of an email template is "Subject: ...".
import signInCode from "../../../templates/email/sign-in-code.txt" with { type: "text" };
import noAccount from "../../../templates/email/sign-in-code.no-account.txt" with { type: "text" };
import newLink from "../../../templates/email/sign-in-code.new-link.txt" with { type: "text" };
import mergedAccount from "../../../templates/email/sign-in-code.merged-account.txt" with { type: "text" };
import registrationEmailCode from "../../../templates/email/registration-email-code.txt" with { type: "text" };
import phoneCode from "../../../templates/sms/phone-code.txt" with { type: "text" };
import recoveryCode from "../../../templates/sms/recovery-code.txt" with { type: "text" };
import type { EmailMessage, SmsMessage } from "../../outbox/enqueue";
import { durationInWords } from "../../mail/time-in-words";
import { codeLifetimeMs } from "./security-codes";

/** How every page, email and text says a code's lifetime: "10 minutes" (from codeLifetimeMs). */
export const codeExpiresIn = durationInWords(codeLifetimeMs);

/** The greeting line of an email to an account holder: the name they asked to be called, else none. */
export function greeting(preferredName: string | null | undefined): string {
  return preferredName?.trim() ? `Dear ${preferredName.trim()},` : "";
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? (name === "expiresIn" ? codeExpiresIn : ""));
}

function email(template: string, to: string, values: Record<string, string>): EmailMessage {
  // An empty line (a greeting with no name) leaves no gap of its own.
  const [first, ...rest] = fill(template, values).replace(/\n{3,}/g, "\n\n").split("\n");
  return { to, subject: first.replace(/^Subject:\s*/, ""), text: rest.join("\n").trim() + "\n" };
}

/** An email from a template of another feature's (same format: the first line is "Subject: ..."). */
export const emailFromTemplate = email;

export const signInCodeEmail = (to: string, code: string, preferredName?: string | null) =>
  email(signInCode, to, { code, greeting: greeting(preferredName) });
/** `supportEmail`: SUPPORT_EMAIL (src/config/config.ts supportContact). */
export const noAccountEmail = (to: string, supportEmail: string) => email(noAccount, to, { supportEmail });
/** To an address whose account support merged into another: names that account's address, partly masked. */
export const mergedAccountEmail = (to: string, survivorEmailMasked: string, supportEmail: string) =>
  email(mergedAccount, to, { survivorEmail: survivorEmailMasked, supportEmail });
/** `lifetime` in words, as src/mail/time-in-words.ts says it ("30 days", "5:30pm on 1 July 2026"). */
export const newLinkEmail = (to: string, link: string, lifetime: { validFor: string; expiresAt: string }) =>
  email(newLink, to, { link, ...lifetime });
/** To the address a teacher chose instead of their link's while registering. */
export const registrationEmailCodeEmail = (to: string, code: string) => email(registrationEmailCode, to, { code });
export const phoneCodeSms = (to: string, code: string): SmsMessage => ({ to, text: fill(phoneCode, { code, expiresIn: codeExpiresIn }).trim() });
/** "I cannot access this email address": the code that signs the teacher in once, to change their email. */
export const recoveryCodeSms = (to: string, code: string): SmsMessage => ({ to, text: fill(recoveryCode, { code, expiresIn: codeExpiresIn }).trim() });
