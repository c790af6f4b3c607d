// The email confirming a change request to the teacher (templates/email/change-request-received.txt).
import textTemplate from "../../../templates/email/change-request-received.txt" with { type: "text" };
import type { EmailMessage } from "../../outbox/enqueue";
import type { ChangeRequestType } from "../db/schema";
import { fillTemplate, formatDate, subjectAndText } from "../email-template";
import type { RequestedValues } from "./change-requests";

const detailWords: Record<ChangeRequestType, string> = { name: "name", dateOfBirth: "date of birth" };

export function changeRequestEmail(input: {
  to: string;
  /** The name on the teacher's record now. */
  name: string;
  caseReference: string;
  type: ChangeRequestType;
  requested: RequestedValues;
  accessUrl: string;
}): EmailMessage {
  const { requested } = input;
  const values = {
    name: input.name,
    detail: detailWords[input.type],
    caseReference: input.caseReference,
    requested:
      "dateOfBirth" in requested
        ? formatDate(requested.dateOfBirth)
        : [requested.firstName, requested.middleName, requested.lastName].filter(Boolean).join(" "),
    qualificationsUrl: `${input.accessUrl}/qualifications`,
  };
  return { to: input.to, ...subjectAndText(fillTemplate(textTemplate, values)) };
}
