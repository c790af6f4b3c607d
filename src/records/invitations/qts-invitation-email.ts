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
import { linkLifetime } from "../../mail/time-in-words";

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

export function qtsInvitationEmail(input: QtsInvitationEmailInput): EmailMessage {
  const expires = new Date(input.expiresUtc);
  if (Number.isNaN(expires.getTime())) throw new Error("expiresUtc is not a date");
  const values = {
    name: `${input.firstName} ${input.lastName}`,
    trn: input.trn,
    qtsDate: formatDate(input.qtsDate),
    link: input.link,
    ...linkLifetime(expires, input.now ?? new Date()),
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
  /** The account holder's preferred name (only when an account exists): the greeting instead of the record's name. */
  preferredName?: string;
}

/** The email for any award; QTS with a registration link is the invitation above (with its HTML part). */
export function awardInvitationEmail(input: AwardEmailInput): EmailMessage {
  if (input.award === "qts" && !input.accountExists) {
    return qtsInvitationEmail({ ...input, qtsDate: input.awardDate, expiresUtc: input.expiresUtc ?? "" });
  }
  const values: Record<string, string> = {
    name: (input.accountExists && input.preferredName) || `${input.firstName} ${input.lastName}`,
    trn: input.trn,
    qtsDate: formatDate(input.awardDate),
    awardDate: formatDate(input.awardDate),
    link: input.link,
    accessUrl: input.accessUrl,
  };
  if (!input.accountExists) {
    const expires = new Date(input.expiresUtc ?? "");
    if (Number.isNaN(expires.getTime())) throw new Error("expiresUtc is not a date");
    Object.assign(values, linkLifetime(expires, input.now ?? new Date()));
  }
  const template = awardTemplates[input.award][input.accountExists ? "signIn" : "register"];
  return { to: input.to, ...subjectAndText(fillTemplate(template, values)) };
}
