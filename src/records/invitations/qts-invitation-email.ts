// The invitation email's text and HTML, from templates/email/qts-invitation.{txt,html}.
// No tracking: no images, no pixels, no redirecting links.
import textTemplate from "../../../templates/email/qts-invitation.txt" with { type: "text" };
import htmlFile from "../../../templates/email/qts-invitation.html" with { type: "text" };
import qtsOnRecord from "../../../templates/email/qts-on-record.txt" with { type: "text" };
import eytsInvitation from "../../../templates/email/eyts-invitation.txt" with { type: "text" };
import eytsOnRecord from "../../../templates/email/eyts-on-record.txt" with { type: "text" };
import inductionPassed from "../../../templates/email/induction-passed.txt" with { type: "text" };
import inductionPassedOnRecord from "../../../templates/email/induction-passed-on-record.txt" with { type: "text" };
import type { EmailMessage } from "../../outbox/enqueue";
import type { Award } from "./award-invitation";
import { escapeHtml, fillTemplate, formatDate, subjectAndText } from "../email-template";

// bun-types declares *.html imports as HTML bundles; with type "text" it is the file's text.
const htmlTemplate = htmlFile as unknown as string;

export interface QtsInvitationEmailInput {
  to: string;
  firstName: string;
  lastName: string;
  trn: string;
  qtsDate: string;
  link: string;
  expiresUtc: string;
  accessUrl: string;
  now?: Date;
}

// Made once, on first use: making one costs more than rendering the whole email, and the first one
// in a process ~10 ms, which start-up should not pay.
let ukDateTimeFormat: Intl.DateTimeFormat | undefined;

/** An instant as UK time, GOV.UK style: "5:30pm on 1 July 2026". */
export function formatUkDateTime(instant: Date): string {
  ukDateTimeFormat ??= new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    hour12: true,
  });
  const parts = Object.fromEntries(ukDateTimeFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  const time = parts.minute === "00" ? `${parts.hour}${parts.dayPeriod}` : `${parts.hour}:${parts.minute}${parts.dayPeriod}`;
  return `${time.toLowerCase().replace(/\s/g, "")} on ${parts.day} ${parts.month} ${parts.year}`;
}

/** "30 days" (to the nearest day; a 30-day token is a few seconds short by the time it is sent), or hours under 2 days. */
export function describeValidity(expires: Date, now: Date): string {
  const ms = Math.max(0, expires.getTime() - now.getTime());
  if (ms >= 2 * 86_400_000) return `${Math.round(ms / 86_400_000)} days`;
  const hours = Math.max(1, Math.floor(ms / 3_600_000));
  return hours === 1 ? "1 hour" : `${hours} hours`;
}

export function qtsInvitationEmail(input: QtsInvitationEmailInput): EmailMessage {
  const expires = new Date(input.expiresUtc);
  if (Number.isNaN(expires.getTime())) throw new Error("expiresUtc is not a date");
  const values = {
    name: `${input.firstName} ${input.lastName}`,
    trn: input.trn,
    qtsDate: formatDate(input.qtsDate),
    link: input.link,
    validFor: describeValidity(expires, input.now ?? new Date()),
    expiresAt: formatUkDateTime(expires),
    accessUrl: input.accessUrl,
  };
  return { to: input.to, ...subjectAndText(fillTemplate(textTemplate, values)), html: fillTemplate(htmlTemplate, values, escapeHtml) };
}

/** Each award's email: a registration link for a teacher with no account, a sign-in link for one who has. */
const awardTemplates: Record<Award, { register: string; signIn: string }> = {
  qts: { register: textTemplate, signIn: qtsOnRecord },
  eyts: { register: eytsInvitation, signIn: eytsOnRecord },
  induction: { register: inductionPassed, signIn: inductionPassedOnRecord },
};

export interface AwardEmailInput {
  award: Award;
  to: string;
  firstName: string;
  lastName: string;
  trn: string;
  awardDate: string;
  link: string;
  accessUrl: string;
  /** A registration link has an expiry; a sign-in link does not. */
  accountExists: boolean;
  expiresUtc?: string;
  now?: Date;
}

/** The email for any award; QTS with a registration link is the invitation above (with its HTML part). */
export function awardInvitationEmail(input: AwardEmailInput): EmailMessage {
  if (input.award === "qts" && !input.accountExists) {
    return qtsInvitationEmail({ ...input, qtsDate: input.awardDate, expiresUtc: input.expiresUtc ?? "" });
  }
  const values: Record<string, string> = {
    name: `${input.firstName} ${input.lastName}`,
    trn: input.trn,
    qtsDate: formatDate(input.awardDate),
    awardDate: formatDate(input.awardDate),
    link: input.link,
    accessUrl: input.accessUrl,
  };
  if (!input.accountExists) {
    const expires = new Date(input.expiresUtc ?? "");
    if (Number.isNaN(expires.getTime())) throw new Error("expiresUtc is not a date");
    values.validFor = describeValidity(expires, input.now ?? new Date());
    values.expiresAt = formatUkDateTime(expires);
  }
  const template = awardTemplates[input.award][input.accountExists ? "signIn" : "register"];
  return { to: input.to, ...subjectAndText(fillTemplate(template, values)) };
}
