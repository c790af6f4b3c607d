// Step "check-answers" (where records is asked), and the outcomes: "not-found" (try again with other
// details, or go to support) and "case" (the account made without a TRN, its support case open;
// "Continue" signs the teacher in and returns to the service).
import { htmlResponse, seeOther } from "../../../web/html";
import { finishJourney, repeatOfFinishedJourney } from "../../journey/finish-journey";
import { ipOf } from "../../journey/journey-guard";
import { clientRequestId } from "../../journey/journey-state";
import type { Journey } from "../../journey/journey-store";
import { findAccountById } from "../../accounts/accounts";
import { readAccountRequest } from "../../oidc/hand-off";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { displayDate } from "../../register/register-answers";
import { BindFailurePage } from "../../register/register-pages";
import type { BindFailure } from "../../register/trn-token-binding";
import { CasePage, CheckAnswersPage, NotFoundPage, RecordsUnavailablePage } from "../find-record-pages";
import { createAccountWithSupportCase, searchesExhausted, searchForRecord, type FindRecordDeps } from "../find-record-service";
import { stepPath } from "../find-record-steps";
import { backLink, type StepHandler } from "../step-guard";

function bindFailure(deps: FindRecordDeps, journey: Journey, failure: BindFailure): Response {
  // A double click: this browser's other request finished the journey while this one waited.
  const repeat = repeatOfFinishedJourney(deps, journey);
  if (repeat) return repeat;
  return htmlResponse(<BindFailurePage brand={deps.brand} failure={failure} requestId={clientRequestId(journey.state)} />, 409);
}

export function checkAnswersStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler } {
  return {
    show: (_journey, answers, ctx) => {
      if (searchesExhausted(deps, answers)) return seeOther(stepPath("not-found"));
      return htmlResponse(
        <CheckAnswersPage
          brand={deps.brand}
          csrfToken={ctx.csrfToken}
          answers={answers}
          dateOfBirth={displayDate(answers.dateOfBirth!)}
          backLink={backLink("check-answers", answers)}
        />,
      );
    },
    answer: async (journey, _answers, ctx) => {
      const outcome = await searchForRecord(deps, journey, ipOf(deps, ctx));
      switch (outcome.kind) {
        case "created":
          return finishJourney(deps, journey, outcome.account, { outcome: "account-created" });
        case "bind-failure":
          return bindFailure(deps, journey, outcome.failure);
        case "not-found":
          return seeOther(stepPath("not-found"));
        case "unavailable":
          return htmlResponse(<RecordsUnavailablePage brand={deps.brand} limited={outcome.limited} />, 503);
        case "rate-limited":
          return tooManyRequests(deps.brand, { retryAt: outcome.retryAt, backLink: "/find-record/check-answers", what: "There have been too many searches for teaching records." });
      }
    },
  };
}

export function notFoundStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler } {
  return {
    show: (_journey, answers, ctx) =>
      htmlResponse(
        <NotFoundPage
          brand={deps.brand}
          csrfToken={ctx.csrfToken}
          backLink={backLink("not-found", answers)}
          canTryAgain={!searchesExhausted(deps, answers)}
          responseTime={deps.findRecord.responseTime}
        />,
      ),
    answer: (journey) => {
      const created = createAccountWithSupportCase(deps, journey);
      if (!created.ok) return bindFailure(deps, journey, created.failure);
      return seeOther(stepPath("case"));
    },
  };
}

export function caseStep(deps: FindRecordDeps): { show: StepHandler; answer: StepHandler } {
  const clientName = (journey: Journey) =>
    (journey.state.requestId === undefined ? undefined : readAccountRequest(deps.db, journey.state.requestId)?.clientName) ?? "the service";
  return {
    show: (journey, answers, ctx) =>
      htmlResponse(
        <CasePage
          brand={deps.brand}
          csrfToken={ctx.csrfToken}
          reference={answers.supportCase!.reference}
          email={answers.email!}
          responseTime={deps.findRecord.responseTime}
          clientName={clientName(journey)}
        />,
      ),
    answer: (journey, answers) => {
      const account = findAccountById(deps.db, answers.supportCase!.accountId);
      if (!account) return seeOther(stepPath("email"));
      return finishJourney(deps, journey, account, { outcome: "account-created" });
    },
  };
}
