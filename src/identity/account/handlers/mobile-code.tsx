// /account/mobile/code: "Check your phone" for the code texted to the new number; then it is saved.
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { ipOf, queryParam, type RouteContext } from "../../journey/journey-guard";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { displayPhone } from "../../register/register-answers";
import { checkTypedCode } from "../../security-codes/code-service";
import { sendCodeFor } from "../account-codes";
import type { AccountHandler, SignedIn } from "../account-guard";
import { CodePage } from "../account-pages";
import { changePhone, type AccountDeps } from "../account-service";
import { readPendingChange } from "../pending-changes";

export function mobileCodePage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler; resend: AccountHandler } {
  const page = (ctx: RouteContext, phone: string, extra: { error?: string; code?: string; resent?: boolean } = {}) =>
    htmlResponse(
      <CodePage
        brand={deps.brand}
        csrfToken={ctx.csrfToken}
        channel="phone"
        sentTo={displayPhone(phone)}
        action="/account/mobile/code"
        resendAction="/account/mobile/resend"
        change={{ href: "/account/mobile", text: "Use a different mobile number" }}
        backLink="/account/mobile"
        {...extra}
      />,
      extra.error ? 400 : 200,
    );
  const waiting = (signedIn: SignedIn) => readPendingChange(deps.db, signedIn.session, "phone")?.value ?? undefined;
  return {
    show: (signedIn, ctx) => {
      const phone = waiting(signedIn);
      return phone ? page(ctx, phone, { resent: queryParam(ctx, "resent") === "1" }) : seeOther("/account/mobile");
    },
    answer: (signedIn, ctx) => {
      const phone = waiting(signedIn);
      if (!phone) return seeOther("/account/mobile");
      const typed = formFields(ctx.body).code ?? "";
      const check = checkTypedCode(deps.db, deps.config, { codeId: readPendingChange(deps.db, signedIn.session, "phone")?.codeId ?? undefined, purpose: "phone_verification", destination: phone, typed, ip: ipOf(deps, ctx) });
      if (typeof check === "object" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/account/mobile/code", what: "You have entered too many security codes." });
      if (check !== "ok") return page(ctx, phone, { error: check.error, code: typed });
      changePhone(deps.db, { account: signedIn.account, session: signedIn.session, phone });
      deps.logger.info("account_phone_changed", { account_id: signedIn.account.id });
      return seeOther("/account?done=mobile");
    },
    resend: (signedIn, ctx) => {
      const phone = waiting(signedIn);
      return phone ? sendCodeFor(deps, signedIn, ctx, { kind: "phone", value: phone }, { resent: true }) : seeOther("/account/mobile");
    },
  };
}
