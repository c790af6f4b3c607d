// The emails of "Create an account without a link" and its support cases, from templates/.
import findRecordCode from "../../../templates/email/find-record-code.txt" with { type: "text" };
import caseOpened from "../../../templates/email/support-case-opened.txt" with { type: "text" };
import caseResolved from "../../../templates/email/support-case-resolved.txt" with { type: "text" };
import caseClosed from "../../../templates/email/support-case-closed.txt" with { type: "text" };
import { emailFromTemplate } from "../security-codes/messages";

/** The code that proves the address when no account has it yet. */
export const findRecordCodeEmail = (to: string, code: string) => emailFromTemplate(findRecordCode, to, { code });
export const supportCaseOpenedEmail = (to: string, values: { reference: string; accessUrl: string; responseTime: string }) =>
  emailFromTemplate(caseOpened, to, values);
export const supportCaseResolvedEmail = (to: string, values: { reference: string; accessUrl: string }) =>
  emailFromTemplate(caseResolved, to, values);
export const supportCaseClosedEmail = (to: string, values: { reference: string; accessUrl: string }) =>
  emailFromTemplate(caseClosed, to, values);
