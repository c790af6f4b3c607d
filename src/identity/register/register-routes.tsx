// The "register via the magic link" pages. Every request re-reads the token and the session
// (currentSituation), and the step table decides which page may be shown and what comes next.
// GET never consumes anything; only the final POSTs do.
import { Elysia } from "elysia";
import { destroySession, readSession } from "../sessions/session";
import { currentJourney, ipOf, queryParam, type RouteContext } from "../journey/journey-guard";
import type { JourneyDeps } from "../journey/journey-deps";
import type { RegistrationAnswers } from "../journey/journey-state";
import { JourneyExpiredPage, tooManyRequests } from "../journey/journey-pages";
import { saveJourney, type Journey } from "../journey/journey-store";
import { formFields, pageResponse, seeOtherWithCookies } from "../journey/http";
import { finishJourney } from "../journey/finish";
import { canReach, currentStep, nextStep, previousStep, stepPath, type RegisterStepId } from "../journey/register-steps";
import { readPendingRequest } from "../journey/authorization-request";
import { checkTypedCode, sendPhoneCode, windowEnd } from "../security-codes/code-service";
import { bindAndFinish, currentSituation, ensureTeacher, type Situation } from "./register-service";
import { createAccountWithToken } from "./trn-token-binding";
import {
  BindFailurePage,
  CheckAnswersPage,
  ChooseAccountPage,
  DateOfBirthPage,
  ExistingAccountPage,
  LandingPage,
  PhoneCodePage,
  PhonePage,
  PreferredNamePage,
  TeacherUnavailablePage,
  TokenExpiredPage,
} from "./register-pages";
import { displayDate, displayPhone, parseDateOfBirth, parseMobileNumber, parsePreferredName, preferredNameOptions } from "./register-answers";

type FieldError = { field: string; message: string };
type StepHandler = (journey: Journey, answers: RegistrationAnswers, ctx: RouteContext) => Response | Promise<Response>;

export function registerRoutes(deps: JourneyDeps) {
  const { brand, db } = deps;
  const expired = () => pageResponse(<JourneyExpiredPage brand={brand} />, { status: 400 });
  const back = (step: RegisterStepId, answers: RegistrationAnswers) => {
    const previous = previousStep(step, answers);
    return previous ? stepPath(previous) : undefined;
  };
  const goNext = (journey: Journey) => {
    saveJourney(db, journey);
    return seeOtherWithCookies(stepPath(nextStep(journey.state.registration!)));
  };

  /** The page for every situation other than "new" (a new account). */
  const situationPage = (situation: Exclude<Situation, { kind: "new" }>, journey: Journey, ctx: RouteContext) => {
    const requestId = journey.state.requestId;
    switch (situation.kind) {
      case "token-expired":
        return pageResponse(<TokenExpiredPage brand={brand} csrfToken={ctx.csrfToken} requestId={requestId} />, { status: 410 });
      case "token-used":
        return pageResponse(<BindFailurePage brand={brand} failure={{ kind: "used" }} requestId={requestId} />, { status: 410 });
      case "token-unknown":
        return pageResponse(<BindFailurePage brand={brand} failure={{ kind: "unknown" }} requestId={requestId} />, { status: 404 });
      case "signed-in-same-email":
      case "existing-account":
        return pageResponse(
          <ExistingAccountPage
            brand={brand}
            csrfToken={ctx.csrfToken}
            email={situation.account.email}
            signedIn={situation.kind === "signed-in-same-email"}
          />,
        );
      case "signed-in-other-email":
        return pageResponse(
          <ChooseAccountPage brand={brand} csrfToken={ctx.csrfToken} signedInEmail={situation.account.email} tokenEmail={situation.tokenEmail} />,
        );
      case "account-has-other-trn":
        return pageResponse(<BindFailurePage brand={brand} failure={situation} requestId={requestId} />, { status: 409 });
      case "trn-bound-elsewhere":
        return pageResponse(<BindFailurePage brand={brand} failure={situation} requestId={requestId} />, { status: 409 });
    }
  };

  /** Runs a step's handler only for a new registration whose step table allows this step. */
  const step = (id: RegisterStepId, handler: StepHandler) => async (c: unknown) => {
    const ctx = c as RouteContext;
    const journey = currentJourney(deps, ctx);
    const answers = journey?.state.registration;
    if (!journey || !answers) return expired();
    const situation = currentSituation(deps, journey.state.requestId, answers, ctx.request.headers.get("cookie"));
    if (situation.kind !== "new") return id === "landing" ? situationPage(situation, journey, ctx) : seeOtherWithCookies("/register");
    const teacher = await ensureTeacher(deps, journey);
    if (teacher !== "ok") return pageResponse(<TeacherUnavailablePage brand={brand} notFound={teacher === "not_found"} />, { status: 503 });
    if (!canReach(id, answers)) return seeOtherWithCookies(stepPath(currentStep(answers)));
    return handler(journey, answers, ctx);
  };

  const phoneCodePage = (answers: RegistrationAnswers, ctx: RouteContext, extra: { error?: string; code?: string; resent?: boolean } = {}) =>
    pageResponse(
      <PhoneCodePage
        brand={brand}
        csrfToken={ctx.csrfToken}
        phone={displayPhone(answers.phone!)}
        backLink={back("phone-code", answers)}
        error={extra.error}
        code={extra.code}
        resent={extra.resent ?? false}
      />,
      { status: extra.error ? 400 : 200 },
    );

  // Each question's page: with the saved answer, or (status 400) with what was typed and its error.
  const phonePage = (answers: RegistrationAnswers, ctx: RouteContext, typed?: { value?: string; error: string }) =>
    pageResponse(
      <PhonePage
        brand={brand}
        csrfToken={ctx.csrfToken}
        value={typed ? typed.value : answers.phone && displayPhone(answers.phone)}
        error={typed?.error}
        backLink={back("phone", answers)}
      />,
      { status: typed ? 400 : 200 },
    );

  const preferredNamePage = (answers: RegistrationAnswers, ctx: RouteContext, typed?: { choice?: string; other?: string; error: FieldError }) =>
    pageResponse(
      <PreferredNamePage
        brand={brand}
        csrfToken={ctx.csrfToken}
        options={preferredNameOptions(answers.teacher)}
        choice={typed ? typed.choice : answers.preferredNameChoice}
        other={typed ? typed.other : answers.preferredNameChoice === "other" ? answers.preferredName : undefined}
        error={typed && { field: typed.error.field, message: typed.error.message }}
        backLink={back("preferred-name", answers)}
      />,
      { status: typed ? 400 : 200 },
    );

  const dateOfBirthPage = (answers: RegistrationAnswers, ctx: RouteContext, typed?: { day?: string; month?: string; year?: string; error: FieldError }) => {
    const [year, month, day] = answers.dateOfBirth?.split("-") ?? [];
    const saved = { day: day && String(Number(day)), month: month && String(Number(month)), year };
    const shown = typed ?? saved;
    return pageResponse(
      <DateOfBirthPage
        brand={brand}
        csrfToken={ctx.csrfToken}
        day={shown.day}
        month={shown.month}
        year={shown.year}
        error={typed && { field: typed.error.field, message: typed.error.message }}
        backLink={back("date-of-birth", answers)}
      />,
      { status: typed ? 400 : 200 },
    );
  };

  const textCode = (journey: Journey, answers: RegistrationAnswers, phone: string, ctx: RouteContext, resent: boolean) => {
    const sent = sendPhoneCode(db, deps.config, { phone, ip: ipOf(deps, ctx) });
    if (sent.sent) deps.nudgeOutbox();
    if (!sent.sent)
      return tooManyRequests(brand, { retryAt: sent.retryAt, backLink: "/register/phone", what: "You have asked for too many security codes." });
    answers.phone = phone;
    answers.phoneVerified = false;
    answers.noPhone = false;
    saveJourney(db, journey);
    return seeOtherWithCookies(resent ? "/register/phone-code?resent=1" : stepPath(nextStep(answers)));
  };

  return new Elysia({ name: "identity-register" })
    .get(
      "/register",
      step("landing", (_journey, answers, ctx) => {
        const request = readPendingRequest(db, _journey.state.requestId);
        return pageResponse(
          <LandingPage
            brand={brand}
            csrfToken={ctx.csrfToken}
            email={answers.email}
            clientName={request?.clientName ?? "Access your teaching qualifications"}
            asksDateOfBirth={!answers.teacher?.dateOfBirth}
          />,
        );
      }),
    )
    .post(
      "/register",
      step("landing", (journey, answers) => {
        answers.started = true;
        return goNext(journey);
      }),
    )
    .post("/register/continue", async (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      const answers = journey?.state.registration;
      if (!journey || !answers) return expired();
      const cookie = ctx.request.headers.get("cookie");
      const situation = currentSituation(deps, journey.state.requestId, answers, cookie);
      if (situation.kind === "existing-account") return bindAndFinish(deps, journey, situation.account);
      if (situation.kind === "signed-in-same-email")
        return bindAndFinish(deps, journey, situation.account, { reuseSession: true, authTime: readSession(db, cookie)?.authTime });
      return seeOtherWithCookies("/register");
    })
    .post("/register/choose-account", async (c) => {
      const ctx = c as unknown as RouteContext;
      const journey = currentJourney(deps, ctx);
      const answers = journey?.state.registration;
      if (!journey || !answers) return expired();
      const cookie = ctx.request.headers.get("cookie");
      const situation = currentSituation(deps, journey.state.requestId, answers, cookie);
      if (situation.kind !== "signed-in-other-email") return seeOtherWithCookies("/register");
      const choice = formFields(ctx.body).account;
      if (choice === "signed-in")
        return bindAndFinish(deps, journey, situation.account, { reuseSession: true, authTime: readSession(db, cookie)?.authTime });
      if (choice === "link") return seeOtherWithCookies("/register", [destroySession(db, cookie, deps.secure)]);
      return pageResponse(
        <ChooseAccountPage
          brand={brand}
          csrfToken={ctx.csrfToken}
          signedInEmail={situation.account.email}
          tokenEmail={situation.tokenEmail}
          error="Select which account you want to use"
        />,
        { status: 400 },
      );
    })
    .get(
      "/register/phone",
      step("phone", (_journey, answers, ctx) => phonePage(answers, ctx)),
    )
    .post(
      "/register/phone",
      step("phone", (journey, answers, ctx) => {
        const form = formFields(ctx.body);
        if (form.noPhone === "yes") {
          answers.noPhone = true;
          delete answers.phone;
          delete answers.phoneVerified;
          return goNext(journey);
        }
        const parsed = parseMobileNumber(form.phone ?? "");
        if (!parsed.ok) return phonePage(answers, ctx, { value: form.phone, error: parsed.message });
        // The same number, already confirmed: nothing to text again.
        if (answers.phone === parsed.value && answers.phoneVerified) return goNext(journey);
        return textCode(journey, answers, parsed.value, ctx, false);
      }),
    )
    .get(
      "/register/phone-code",
      step("phone-code", (_journey, answers, ctx) => phoneCodePage(answers, ctx, { resent: queryParam(ctx, "resent") === "1" })),
    )
    .post(
      "/register/phone-code",
      step("phone-code", (journey, answers, ctx) => {
        const typed = formFields(ctx.body).code ?? "";
        const check = checkTypedCode(db, deps.config, { purpose: "phone_verification", destination: answers.phone!, typed, ip: ipOf(deps, ctx) });
        if (check === "rate_limited")
          return tooManyRequests(brand, { retryAt: windowEnd(deps.config), backLink: "/register/phone-code", what: "You have entered too many security codes." });
        if (check !== "ok") return phoneCodePage(answers, ctx, { error: check.error, code: typed });
        answers.phoneVerified = true;
        return goNext(journey);
      }),
    )
    .post(
      "/register/phone-code/resend",
      step("phone-code", (journey, answers, ctx) => textCode(journey, answers, answers.phone!, ctx, true)),
    )
    .get(
      "/register/preferred-name",
      step("preferred-name", (_journey, answers, ctx) => preferredNamePage(answers, ctx)),
    )
    .post(
      "/register/preferred-name",
      step("preferred-name", (journey, answers, ctx) => {
        const form = formFields(ctx.body);
        const parsed = parsePreferredName(preferredNameOptions(answers.teacher), form.choice, form.otherName);
        if (!parsed.ok) return preferredNamePage(answers, ctx, { choice: form.choice, other: form.otherName, error: parsed });
        answers.preferredNameChoice = form.choice;
        answers.preferredName = parsed.value;
        return goNext(journey);
      }),
    )
    .get(
      "/register/date-of-birth",
      step("date-of-birth", (_journey, answers, ctx) => dateOfBirthPage(answers, ctx)),
    )
    .post(
      "/register/date-of-birth",
      step("date-of-birth", (journey, answers, ctx) => {
        const form = formFields(ctx.body);
        const parsed = parseDateOfBirth(form);
        if (!parsed.ok) return dateOfBirthPage(answers, ctx, { day: form.day, month: form.month, year: form.year, error: parsed });
        answers.dateOfBirth = parsed.value;
        return goNext(journey);
      }),
    )
    .get(
      "/register/check-answers",
      step("check-answers", (_journey, answers, ctx) =>
        pageResponse(
          <CheckAnswersPage
            brand={brand}
            csrfToken={ctx.csrfToken}
            answers={answers}
            phoneDisplay={answers.phone && answers.phoneVerified ? displayPhone(answers.phone) : undefined}
            dateOfBirth={displayDate((answers.teacher?.dateOfBirth ?? answers.dateOfBirth)!)}
            backLink={back("check-answers", answers)}
          />,
        ),
      ),
    )
    .post(
      "/register/check-answers",
      step("check-answers", (journey, answers) => {
        const result = createAccountWithToken(db, {
          tokenHash: answers.trnTokenHash,
          account: {
            phoneNumber: answers.phone && answers.phoneVerified && !answers.noPhone ? answers.phone : null,
            givenName: answers.teacher?.firstName ?? null,
            familyName: answers.teacher?.lastName ?? null,
            preferredName: answers.preferredName ?? null,
            birthdate: answers.teacher?.dateOfBirth ?? answers.dateOfBirth ?? null,
          },
        });
        if (!result.ok)
          return pageResponse(<BindFailurePage brand={brand} failure={result} requestId={journey.state.requestId} />, { status: 409 });
        deps.logger.info("account_created", { account_id: result.account.id, with_phone: result.account.phoneNumber !== null });
        return finishJourney(deps, journey, result.account);
      }),
    );
}
