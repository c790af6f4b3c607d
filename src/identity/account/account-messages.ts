// The emails /account sends, from templates/ (embedded in the binary). None carries a link: the
// notice to an old address must not offer anything that changes the account.
import changeCode from "../../../templates/email/account-email-change-code.txt" with { type: "text" };
import emailChanged from "../../../templates/email/account-email-changed.txt" with { type: "text" };
import emailChangedAfterRecovery from "../../../templates/email/account-email-changed.after-recovery.txt" with { type: "text" };
import deletionCode from "../../../templates/email/account-deletion-code.txt" with { type: "text" };
import { partlyMaskEmail } from "../accounts/accounts";
import { ukTime } from "../../mail/time-in-words";
import { emailFromTemplate, greeting } from "../security-codes/messages";

export const emailChangeCodeEmail = (to: string, code: string, preferredName?: string | null) =>
  emailFromTemplate(changeCode, to, { code, greeting: greeting(preferredName) });

/** To the old address: the new one is partly masked (whoever reads the old inbox may not be the owner any more). */
export const emailChangedNotice = (
  oldEmail: string,
  newEmail: string,
  at: number,
  extra: { preferredName?: string | null; supportEmail: string },
) =>
  emailFromTemplate(emailChanged, oldEmail, {
    newEmail: partlyMaskEmail(newEmail),
    when: ukTime(at, { date: true }),
    greeting: greeting(extra.preferredName),
    supportEmail: extra.supportEmail,
  });

/** The same, when the change was made after signing in with a code texted to the account's mobile ("I cannot access this email address"). */
export const emailChangedAfterRecoveryNotice = (
  oldEmail: string,
  newEmail: string,
  at: number,
  phoneEnding: string,
  extra: { preferredName?: string | null; supportEmail: string },
) =>
  emailFromTemplate(emailChangedAfterRecovery, oldEmail, {
    newEmail: partlyMaskEmail(newEmail),
    when: ukTime(at, { date: true }),
    phoneEnding,
    greeting: greeting(extra.preferredName),
    supportEmail: extra.supportEmail,
  });

export const deletionCodeEmail = (to: string, code: string, preferredName?: string | null) =>
  emailFromTemplate(deletionCode, to, { code, greeting: greeting(preferredName) });
