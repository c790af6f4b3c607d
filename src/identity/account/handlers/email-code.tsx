// /account/email/code: "Check your email" for the code sent to the new address. Once it is right,
// the change is made (or, if another account has that address, refused naming nobody).
import { supportContact } from "../../../config/config";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { ipOf, queryParam, type RouteContext } from "../../journey/journey-guard";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { checkTypedCode } from "../../security-codes/code-service";
import { sendCodeFor } from "../account-codes";
import type { AccountHandler } from "../account-guard";
import { CodePage, EmailInUsePage } from "../account-pages";
import { changeEmail, type AccountDeps } from "../account-service";
import { clearPendingChange, readPendingChange } from "../pending-changes";

export function emailCodePage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler; resend: AccountHandler } {
  const page = (ctx: RouteContext, email: string, extra: { error?: string; code?: string; resent?: boolean } = {}) =>
    htmlResponse(
      <CodePage
        brand={deps.brand}
        csrfToken={ctx.csrfToken}
        channel="email"
        sentTo={email}
        action="/account/email/code"
        resendAction="/account/email/resend"
        change={{ href: "/account/email", text: "Use a different email address" }}
        backLink="/account/email"
        {...extra}
      />,
      extra.error ? 400 : 200,
    );
  const waiting = (signedIn: Parameters<AccountHandler>[0]) => {
    const pending = readPendingChange(deps.db, signedIn.session, "email");
    return pending?.stage === "code-sent" ? pending.value! : undefined;
  };
  return {
    show: (signedIn, ctx) => {
      const email = waiting(signedIn);
      return email ? page(ctx, email, { resent: queryParam(ctx, "resent") === "1" }) : seeOther("/account/email");
    },
    answer: (signedIn, ctx) => {
      const email = waiting(signedIn);
      if (!email) return seeOther("/account/email");
      const typed = formFields(ctx.body).code ?? "";
      const check = checkTypedCode(deps.db, deps.config, { codeId: readPendingChange(deps.db, signedIn.session, "email")?.codeId ?? undefined, purpose: "email_change", destination: email, typed, ip: ipOf(deps, ctx) });
      if (typeof check === "object" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/account/email/code", what: "You have entered too many security codes." });
      if (check !== "ok") return page(ctx, email, { error: check.error, code: typed });
      const changed = changeEmail(deps.db, { account: signedIn.account, session: signedIn.session, newEmail: email, supportEmail: supportContact(deps.config).email });
      if (!changed.ok) {
        clearPendingChange(deps.db, signedIn.session);
        deps.logger.info("account_email_in_use", { account_id: signedIn.account.id });
        return htmlResponse(<EmailInUsePage brand={deps.brand} email={email} />, 409);
      }
      deps.nudgeOutbox();
      deps.logger.info("account_email_changed", { account_id: signedIn.account.id });
      return seeOther("/account?done=email");
    },
    resend: (signedIn, ctx) => {
      const email = waiting(signedIn);
      return email ? sendCodeFor(deps, signedIn, ctx, { kind: "email", value: email }, { resent: true }) : seeOther("/account/email");
    },
  };
}
