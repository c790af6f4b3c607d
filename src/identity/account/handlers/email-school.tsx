// /account/email/school: "Are you sure you want to use a school or university email address?"
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { sendCodeFor } from "../account-codes";
import type { AccountHandler } from "../account-guard";
import { SchoolEmailPage } from "../account-pages";
import type { AccountDeps } from "../account-service";
import { clearPendingChange, readPendingChange } from "../pending-changes";

export function emailSchoolPage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler } {
  return {
    show: (signedIn, ctx) => {
      const pending = readPendingChange(deps.db, signedIn.session, "email");
      if (pending?.stage !== "confirm-school") return seeOther("/account/email");
      return htmlResponse(<SchoolEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} email={pending.value!} />);
    },
    answer: (signedIn, ctx) => {
      const pending = readPendingChange(deps.db, signedIn.session, "email");
      if (pending?.stage !== "confirm-school") return seeOther("/account/email");
      const confirm = formFields(ctx.body).confirm;
      if (confirm === "yes") return sendCodeFor(deps, signedIn, ctx, { kind: "email", value: pending.value });
      if (confirm === "no") {
        clearPendingChange(deps.db, signedIn.session);
        return seeOther("/account/email");
      }
      return htmlResponse(
        <SchoolEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} email={pending.value!} error="Select yes if you want to use this email address" />,
        400,
      );
    },
  };
}
