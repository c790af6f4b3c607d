// /account/email: "What is your new email address?". A school or university address goes to the
// "are you sure" page first; any other gets its code at once.
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { isSchoolOrUniversityAddress, parseNewEmail } from "../account-answers";
import { sendCodeFor } from "../account-codes";
import type { AccountHandler } from "../account-guard";
import { NewEmailPage } from "../account-pages";
import type { AccountDeps } from "../account-service";
import { savePendingChange } from "../pending-changes";

export function emailPage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler } {
  return {
    show: (_signedIn, ctx) => htmlResponse(<NewEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} />),
    answer: (signedIn, ctx) => {
      const typed = formFields(ctx.body).email;
      const parsed = parseNewEmail(typed, signedIn.account.email);
      if (!parsed.ok) return htmlResponse(<NewEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} value={typed} error={parsed.message} />, 400);
      if (isSchoolOrUniversityAddress(parsed.value)) {
        savePendingChange(deps.db, signedIn.session, { kind: "email", value: parsed.value, stage: "confirm-school" });
        return seeOther("/account/email/school");
      }
      return sendCodeFor(deps, signedIn, ctx, { kind: "email", value: parsed.value });
    },
  };
}
