// Step "check-answers": the answers on one page, then "Create account": ONE transaction creates
// the account bound to the TRN and consumes the token (trn-token-binding.ts). Its email row's
// "Change" is the detour to a different address (steps/email.tsx).
import { registrations } from "../../../metrics/metrics";
import { htmlResponse } from "../../../web/html";
import { finishJourney, repeatOfFinishedJourney } from "../../journey/finish-journey";
import { clientRequestId } from "../../journey/journey-state";
import { displayDate, displayPhone } from "../register-answers";
import { BindFailurePage, CheckAnswersPage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { backLink, type StepHandler } from "../step-guard";
import { createAccountWithToken } from "../trn-token-binding";

export function checkAnswersStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler } {
  return {
    show: (_journey, answers, ctx) =>
      htmlResponse(
        <CheckAnswersPage
          brand={deps.brand}
          csrfToken={ctx.csrfToken}
          answers={answers}
          phoneDisplay={answers.phone && answers.phoneVerified ? displayPhone(answers.phone) : undefined}
          dateOfBirth={displayDate((answers.teacher?.dateOfBirth ?? answers.dateOfBirth)!)}
          backLink={backLink("check-answers", answers)}
        />,
      ),
    answer: (journey, answers) => {
      const result = createAccountWithToken(deps.db, {
        tokenHash: answers.trnTokenHash,
        // The link's address, or the one the teacher chose instead and confirmed with a code.
        email: answers.email,
        account: {
          phoneNumber: answers.phone && answers.phoneVerified && !answers.noPhone ? answers.phone : null,
          givenName: answers.teacher?.firstName ?? null,
          familyName: answers.teacher?.lastName ?? null,
          preferredName: answers.preferredName ?? null,
          birthdate: answers.teacher?.dateOfBirth ?? answers.dateOfBirth ?? null,
        },
        // Asked because records has none: records keeps it too, as given by the teacher, not yet checked.
        dateOfBirthForRecords: answers.teacher?.dateOfBirth ? undefined : answers.dateOfBirth,
      });
      if (!result.ok) {
        // A double click: this browser's other request made the account while this one waited.
        const repeat = repeatOfFinishedJourney(deps, journey);
        if (repeat) return repeat;
        return htmlResponse(<BindFailurePage brand={deps.brand} failure={result} requestId={clientRequestId(journey.state)} />, 409);
      }
      deps.logger.info("account_created", { account_id: result.account.id, with_phone: result.account.phoneNumber !== null });
      if (!answers.teacher?.dateOfBirth && answers.dateOfBirth) deps.nudgeOutbox();
      registrations.finishedNewAccount.inc();
      return finishJourney(deps, journey, result.account, { outcome: "account-created" });
    },
  };
}
