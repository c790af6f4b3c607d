// Step "email-code" (a detour from check answers): "Check your email" for the code sent to the
// different address. Once it is right the account will use that address, unless another account
// has it: then that is said, naming no one, and nothing changes.
import { formFields, htmlResponse } from "../../../web/html";
import { findAccountByEmail } from "../../accounts/accounts";
import { ipOf, queryParam, type RouteContext } from "../../journey/journey-guard";
import type { RegistrationAnswers } from "../../journey/journey-state";
import { saveJourney } from "../../journey/journey-store";
import { tooManyRequests } from "../../rate-limit/rate-limit-pages";
import { checkTypedCode } from "../../security-codes/code-service";
import { isSchoolOrUniversityAddress } from "../register-answers";
import { EmailCodePage, EmailInUsePage } from "../register-pages";
import type { RegisterDeps } from "../register-service";
import { goToNextStep, questionPageProps, type StepHandler } from "../step-guard";
import { emailNewAddressCode } from "./email";

export function emailCodeStep(deps: RegisterDeps): { show: StepHandler; answer: StepHandler; resend: StepHandler } {
  // The step guard lets these run only while a new address waits for its code.
  const page = (answers: RegistrationAnswers, ctx: RouteContext, extra: { error?: string; code?: string; resent?: boolean } = {}) =>
    htmlResponse(
      <EmailCodePage
        {...questionPageProps(deps, ctx, "email-code", answers)}
        email={answers.newEmail!.address}
        schoolAddress={isSchoolOrUniversityAddress(answers.newEmail!.address)}
        error={extra.error}
        code={extra.code}
        resent={extra.resent ?? false}
      />,
      extra.error ? 400 : 200,
    );
  return {
    show: (_journey, answers, ctx) => page(answers, ctx, { resent: queryParam(ctx, "resent") === "1" }),
    answer: (journey, answers, ctx) => {
      const { address, codeId } = answers.newEmail!;
      const typed = formFields(ctx.body).code ?? "";
      const check = checkTypedCode(deps.db, deps.config, { codeId, purpose: "registration_email", destination: address, typed, ip: ipOf(deps, ctx) });
      if (check !== "ok" && "retryAt" in check)
        return tooManyRequests(deps.brand, { retryAt: check.retryAt, backLink: "/register/email-code", what: "You have entered too many security codes." });
      if (check !== "ok") return page(answers, ctx, { error: check.error, code: typed });
      delete answers.newEmail;
      if (findAccountByEmail(deps.db, address)) {
        saveJourney(deps.db, journey);
        deps.logger.info("registration_email_in_use", {});
        return htmlResponse(<EmailInUsePage brand={deps.brand} email={address} />, 409);
      }
      answers.email = address;
      deps.logger.info("registration_email_changed", {});
      return goToNextStep(deps, journey, { after: "email-code" });
    },
    resend: (journey, answers, ctx) => emailNewAddressCode(deps, journey, answers.newEmail!.address, ctx, true),
  };
}
