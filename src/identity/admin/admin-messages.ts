// The emails the support console sends, from templates/ (embedded in the binary).
import staffCode from "../../../templates/email/staff-sign-in-code.txt" with { type: "text" };
import staffEmailChanged from "../../../templates/email/staff-email-changed.txt" with { type: "text" };
import { partlyMaskEmail } from "../accounts/accounts";
import { ukTime } from "../../mail/time-in-words";
import { emailFromTemplate, greeting } from "../security-codes/messages";

export const staffSignInCodeEmail = (to: string, code: string) => emailFromTemplate(staffCode, to, { code });

/** To a teacher's old address after staff changed it: the new one partly masked, no link. */
export const staffChangedEmailNotice = (oldEmail: string, newEmail: string, at: number, extra: { preferredName?: string | null; supportEmail: string }) =>
  emailFromTemplate(staffEmailChanged, oldEmail, {
    newEmail: partlyMaskEmail(newEmail),
    when: ukTime(at, { date: true }),
    greeting: greeting(extra.preferredName),
    supportEmail: extra.supportEmail,
  });
