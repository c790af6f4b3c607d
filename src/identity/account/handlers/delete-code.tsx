// /account/delete/code: "Check your email"; the right code deletes the account (account-service
// deleteAccount) and signs this browser out. /account/deleted says what happened and what next.
import { clearCookie } from "../../../web/cookies";
import { formFields, htmlResponse, seeOther } from "../../../web/html";
import { ipOf, queryParam, type RouteContext } from "../../journey/journey-guard";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { checkTypedCode } from "../../security-codes/code-service";
import { sessionCookieName } from "../../sessions/session";
import { sendCodeFor } from "../account-codes";
import type { AccountHandler, SignedIn } from "../account-guard";
import { CodePage, DeletedPage } from "../account-pages";
import { deleteAccount, type AccountDeps } from "../account-service";
import { readPendingChange } from "../pending-changes";

export const deletedPath = "/account/deleted";

export function deleteCodePage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler; resend: AccountHandler; done: () => Response } {
  const page = (ctx: RouteContext, email: string, extra: { error?: string; code?: string; resent?: boolean } = {}) =>
    htmlResponse(
      <CodePage
        brand={deps.brand}
        csrfToken={ctx.csrfToken}
        channel="email"
        sentTo={email}
        intro="To delete your Teacher ID account, enter the security code we sent you."
        action="/account/delete/code"
        resendAction="/account/delete/resend"
        change={{ href: "/account", text: "Keep your account and go back" }}
        backLink="/account/delete"
        buttonText="Delete your account"
        warningButton
        {...extra}
      />,
      extra.error ? 400 : 200,
    );
  const waiting = (signedIn: SignedIn) => readPendingChange(deps.db, signedIn.session, "delete") !== undefined;
  return {
    show: (signedIn, ctx) =>
      waiting(signedIn) ? page(ctx, signedIn.account.email, { resent: queryParam(ctx, "resent") === "1" }) : seeOther("/account/delete"),
    answer: (signedIn, ctx) => {
      if (!waiting(signedIn)) return seeOther("/account/delete");
      const { account } = signedIn;
      const typed = formFields(ctx.body).code ?? "";
      const check = checkTypedCode(deps.db, deps.config, { codeId: readPendingChange(deps.db, signedIn.session, "delete")?.codeId ?? undefined, purpose: "account_deletion", destination: account.email, typed, ip: ipOf(deps, ctx) });
      if (typeof check === "object" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/account/delete/code", what: "You have entered too many security codes." });
      if (check !== "ok") return page(ctx, account.email, { error: check.error, code: typed });
      deleteAccount(deps.db, account);
      deps.logger.info("account_deleted", { account_id: account.id });
      return seeOther(deletedPath, { "set-cookie": clearCookie(sessionCookieName, { secure: deps.secure }) });
    },
    resend: (signedIn, ctx) => (waiting(signedIn) ? sendCodeFor(deps, signedIn, ctx, { kind: "delete", value: null }, { resent: true }) : seeOther("/account/delete")),
    done: () => htmlResponse(<DeletedPage brand={deps.brand} />),
  };
}
