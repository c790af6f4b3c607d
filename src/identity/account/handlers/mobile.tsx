// /account/mobile: a new mobile number (the same rules as registration), checked by a text
// message code; or "Remove mobile number" (/account/mobile/remove).
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { parseMobileNumber } from "../../register/register-answers";
import { sendCodeFor } from "../account-codes";
import type { AccountHandler } from "../account-guard";
import { MobilePage } from "../account-pages";
import { changePhone, type AccountDeps } from "../account-service";

export function mobilePage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler; remove: AccountHandler } {
  return {
    show: ({ account }, ctx) => htmlResponse(<MobilePage brand={deps.brand} csrfToken={ctx.csrfToken} hasPhone={account.phoneNumber !== null} />),
    answer: (signedIn, ctx) => {
      const typed = formFields(ctx.body).phone ?? "";
      const parsed = parseMobileNumber(typed);
      const { account } = signedIn;
      const error = !parsed.ok
        ? parsed.message
        : parsed.value === account.phoneNumber && account.phoneNumberVerified
          ? "This is already your mobile number. Enter a different one"
          : undefined;
      if (error || !parsed.ok)
        return htmlResponse(<MobilePage brand={deps.brand} csrfToken={ctx.csrfToken} hasPhone={account.phoneNumber !== null} value={typed} error={error} />, 400);
      return sendCodeFor(deps, signedIn, ctx, { kind: "phone", value: parsed.value });
    },
    remove: (signedIn) => {
      if (signedIn.account.phoneNumber === null) return seeOther("/account");
      changePhone(deps.db, { account: signedIn.account, session: signedIn.session, phone: null });
      deps.logger.info("account_phone_removed", { account_id: signedIn.account.id });
      return seeOther("/account?done=mobile-removed");
    },
  };
}
