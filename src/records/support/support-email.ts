// The emails telling a teacher what became of their change request
// (templates/email/change-request-approved.txt and change-request-rejected.txt).
import approvedTemplate from "../../../templates/email/change-request-approved.txt" with { type: "text" };
import rejectedTemplate from "../../../templates/email/change-request-rejected.txt" with { type: "text" };
import type { EmailMessage } from "../../outbox/enqueue";
import type { ChangeRequestType } from "../db/schema";
import { fillTemplate, formatDate, subjectAndText } from "../email-template";
import type { RequestedValues } from "../change-requests/change-requests";

const detailWords: Record<ChangeRequestType, string> = { name: "name", dateOfBirth: "date of birth" };

export function requestedInWords(requested: RequestedValues): string {
  return "dateOfBirth" in requested ? formatDate(requested.dateOfBirth) : [requested.firstName, requested.middleName, requested.lastName].filter(Boolean).join(" ");
}

export function changeRequestDecisionEmail(input: {
  decision: "approved" | "rejected";
  to: string;
  name: string;
  caseReference: string;
  type: ChangeRequestType;
  requested: RequestedValues;
  reason: string;
  accessUrl: string;
}): EmailMessage {
  const values = {
    name: input.name,
    detail: detailWords[input.type],
    caseReference: input.caseReference,
    requested: requestedInWords(input.requested),
    reason: input.reason,
    qualificationsUrl: `${input.accessUrl}/qualifications`,
  };
  const template = input.decision === "approved" ? approvedTemplate : rejectedTemplate;
  return { to: input.to, ...subjectAndText(fillTemplate(template, values)) };
}
