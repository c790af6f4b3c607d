// Step "code": the 6-digit code from the email ("Check your email"); then the user is signed in.
import { formFields, htmlResponse } from "../../../web/html";
import { findAccountByEmail } from "../../accounts/accounts";
import { ipOf, queryParam } from "../../journey/journey-guard";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { checkTypedCode, codeErrors } from "../../security-codes/code-service";
import { CheckEmailPage } from "../sign-in-pages";
import type { SignInDeps, SignInStepHandler } from "../step-guard";

export function codeStep(deps: SignInDeps): { show: SignInStepHandler; answer: SignInStepHandler } {
  return {
    show: (journey, ctx) =>
      htmlResponse(
        <CheckEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} email={journey.state.signIn!.email!} resent={queryParam(ctx, "resent") === "1"} />,
      ),
    answer: (journey, ctx) => {
      const email = journey.state.signIn!.email!;
      const typed = formFields(ctx.body).code ?? "";
      const showError = (error: string) =>
        htmlResponse(<CheckEmailPage brand={deps.brand} csrfToken={ctx.csrfToken} email={email} resent={false} error={error} code={typed} />, 400);
      const check = checkTypedCode(deps.db, deps.config, {
        codeId: journey.state.signIn!.codeId,
        purpose: "email_sign_in",
        destination: email,
        typed,
        ip: ipOf(deps, ctx),
      });
      if (check !== "ok" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/sign-in/code", what: "You have entered too many security codes." });
      if (check !== "ok") return showError(check.error);
      const account = findAccountByEmail(deps.db, email);
      if (!account) return showError(codeErrors.wrong);
      deps.logger.info("signed_in", { account_id: account.id, method: "email_code" });
      return deps.afterSignIn(journey, account);
    },
  };
}
