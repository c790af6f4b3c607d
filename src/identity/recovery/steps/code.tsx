// Step "code": "Check your phone", the code texted to the account's mobile; or, when none was sent,
// how to get help. A right code signs the teacher in once and takes them to change their email
// address (which still needs a code sent to the new address).
import { formFields, htmlResponse } from "../../../web/html";
import { findAccountByEmail } from "../../accounts/accounts";
import { finishJourney } from "../../journey/finish-journey";
import type { JourneyDeps } from "../../journey/journey-deps";
import { ipOf, queryParam } from "../../journey/journey-guard";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { checkTypedCode, codeErrors } from "../../security-codes/code-service";
import { CheckPhonePage, NoMobilePage } from "../recovery-pages";
import type { RecoveryStepHandler } from "../recovery-steps";
import { recoveredReturnTo } from "../recovery-steps";

export function codeStep(deps: JourneyDeps): { show: RecoveryStepHandler; answer: RecoveryStepHandler } {
  return {
    show: (journey, ctx) => {
      const recovery = journey.state.recovery!;
      if (!recovery.codeId || !recovery.phoneEnding) return htmlResponse(<NoMobilePage brand={deps.brand} csrfToken={ctx.csrfToken} email={recovery.email} />);
      return htmlResponse(
        <CheckPhonePage
          brand={deps.brand}
          csrfToken={ctx.csrfToken}
          email={recovery.email}
          phoneEnding={recovery.phoneEnding}
          resent={queryParam(ctx, "resent") === "1"}
        />,
      );
    },
    answer: (journey, ctx) => {
      const recovery = journey.state.recovery!;
      if (!recovery.codeId || !recovery.phoneEnding) return htmlResponse(<NoMobilePage brand={deps.brand} csrfToken={ctx.csrfToken} email={recovery.email} />, 400);
      const typed = formFields(ctx.body).code ?? "";
      const showError = (error: string) =>
        htmlResponse(
          <CheckPhonePage brand={deps.brand} csrfToken={ctx.csrfToken} email={recovery.email} phoneEnding={recovery.phoneEnding!} resent={false} error={error} code={typed} />,
          400,
        );
      // The number as the account has it now: a code sent to a number since removed proves nothing.
      const account = findAccountByEmail(deps.db, recovery.email);
      const phone = account?.phoneNumberVerified ? account.phoneNumber : null;
      const check = checkTypedCode(deps.db, deps.config, {
        codeId: phone ? recovery.codeId : undefined,
        purpose: "sms_recovery",
        destination: phone ?? recovery.email,
        typed,
        ip: ipOf(deps, ctx),
      });
      if (check !== "ok" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/recover/code", what: "You have entered too many security codes." });
      if (check !== "ok") return showError(check.error);
      if (!account) return showError(codeErrors.wrong);
      deps.logger.info("signed_in", { account_id: account.id, method: "sms_recovery" });
      // Whoever started the journey (a client, or one of identity's pages), a recovery ends on
      // the email change: the teacher signs in once, to give an address they can use.
      journey.state = { signIn: journey.state.signIn, recovery, returnTo: recoveredReturnTo };
      return finishJourney(deps, journey, account, { method: "sms-recovery" });
    },
  };
}
