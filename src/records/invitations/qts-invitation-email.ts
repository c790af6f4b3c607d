// The invitation email's text and HTML, from templates/email/qts-invitation.{txt,html}.
// No tracking: no images, no pixels, no redirecting links.
import textTemplate from "../../../templates/email/qts-invitation.txt" with { type: "text" };
import htmlFile from "../../../templates/email/qts-invitation.html" with { type: "text" };
import type { EmailMessage } from "../../outbox/enqueue";
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

const escapeHtml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function fill(template: string, values: Record<string, string>, escape: (v: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`template placeholder {{${name}}} has no value`);
    return escape(values[name]);
  });
}

/** 2026-07-01 -> "1 July 2026" (GOV.UK style). */
export function formatDate(isoDate: string): string {
  dateFormat ??= new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return dateFormat.format(new Date(`${isoDate}T00:00:00Z`));
}
// Made once, on first use: making an Intl formatter costs more than rendering the whole email.
let dateFormat: Intl.DateTimeFormat | undefined;

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
  const filled = fill(textTemplate, values, (v) => v);
  const [subjectLine, ...body] = filled.split("\n");
  return {
    to: input.to,
    subject: subjectLine.replace(/^Subject:\s*/, "").trim(),
    text: body.join("\n").trim() + "\n",
    html: fill(htmlTemplate, values, escapeHtml),
  };
}
