// The invitation email's text and HTML, from templates/email/qts-invitation.{txt,html}.
// No tracking: no images, no pixels, no redirecting links.
import textTemplate from "../../../templates/email/qts-invitation.txt" with { type: "text" };
import htmlFile from "../../../templates/email/qts-invitation.html" with { type: "text" };
import type { EmailMessage } from "../../outbox/enqueue";
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
