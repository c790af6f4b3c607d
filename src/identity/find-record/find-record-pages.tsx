// Pages of "Create an account without a link". The email code page and the date of birth page are
// the registration journey's (journey/components.tsx EmailCodeQuestion, register-pages DateOfBirthPage).
import { ErrorSummary, type ServiceBrand } from "../../web/layout";
import { Button, EmailCodeQuestion, EmailQuestion, ErrorMessage, PostForm, TextField, TwoThirdsPage } from "../journey/components";
import type { FindRecordAnswers } from "../journey/journey-state";
import { describeIdentifier, type FieldError } from "./find-record-answers";

interface Common {
  brand: ServiceBrand;
  csrfToken: string;
  backLink?: string;
}

const summaryOf = (errors: FieldError[] = []) => Object.fromEntries(errors.map((e) => [e.field, e.message]));
const errorFor = (errors: FieldError[] | undefined, field: string) => errors?.find((e) => e.field === field)?.message;

export function EmailPage(props: Common & { value?: string; error?: string; clientName: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Create a Teacher ID account without a link" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <span class="govuk-caption-l">Create a Teacher ID account</span>
      <p class="govuk-body" safe>
        {`You need a Teacher ID account to use ${props.clientName}. If we emailed you a link to create one, use the link instead: it is quicker.`}
      </p>
      <p class="govuk-body">Without a link, we will ask for:</p>
      <ul class="govuk-list govuk-list--bullet">
        <li>your email address, which we check with a security code</li>
        <li>your name, and any previous last name</li>
        <li>your date of birth</li>
        <li>your teacher reference number (TRN), National Insurance number, or where you trained, if you have them</li>
      </ul>
      <p class="govuk-body">We use these to find your teaching record. If we cannot find it, someone from our team will look for it.</p>
      <EmailQuestion
        action="/find-record"
        csrfToken={props.csrfToken}
        label="What is your email address?"
        hint="We will email a security code to this address. Use an address you will keep if you change jobs. If it already has a Teacher ID account, you will sign in to it."
        value={props.value}
        error={props.error}
      />
    </TwoThirdsPage>
  );
}

export function EmailCodePage(props: Common & { email: string; schoolAddress: boolean; error?: string; code?: string; resent: boolean }): JSX.Element {
  return (
    <TwoThirdsPage title="Check your email" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <EmailCodeQuestion
        action="/find-record/email-code"
        resendAction="/find-record/email-code/resend"
        changeEmailHref="/find-record"
        csrfToken={props.csrfToken}
        email={props.email}
        schoolAddress={props.schoolAddress}
        error={props.error}
        code={props.code}
        resent={props.resent}
      />
    </TwoThirdsPage>
  );
}

export function NamePage(
  props: Common & { firstName?: string; lastName?: string; hasPreviousName?: string; previousLastName?: string; errors?: FieldError[] },
): JSX.Element {
  const radioError = errorFor(props.errors, "has-previous-name");
  return (
    <TwoThirdsPage title="What is your name?" brand={props.brand} hasErrors={!!props.errors?.length} backLink={props.backLink}>
      <ErrorSummary errors={summaryOf(props.errors)} />
      <h1 class="govuk-heading-l">What is your name?</h1>
      <p class="govuk-body">Use your full name as it is on your teaching record or your passport.</p>
      <PostForm action="/find-record/name" csrfToken={props.csrfToken}>
        <TextField id="first-name" name="firstName" label="First name" value={props.firstName} error={errorFor(props.errors, "first-name")} autocomplete="given-name" spellcheck={false} />
        <TextField id="last-name" name="lastName" label="Last name" value={props.lastName} error={errorFor(props.errors, "last-name")} autocomplete="family-name" spellcheck={false} />
        <div class={radioError ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <fieldset class="govuk-fieldset" aria-describedby={radioError ? "has-previous-name-hint has-previous-name-error" : "has-previous-name-hint"}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">
              <h2 class="govuk-fieldset__heading">Have you ever had a different last name?</h2>
            </legend>
            <div id="has-previous-name-hint" class="govuk-hint">
              For example, if you changed your name when you married.
            </div>
            <ErrorMessage id="has-previous-name" message={radioError} />
            <div class="govuk-radios" data-module="govuk-radios">
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="has-previous-name" name="hasPreviousName" type="radio" value="yes" checked={props.hasPreviousName === "yes"} data-aria-controls="conditional-previous-name" />
                <label class="govuk-label govuk-radios__label" for="has-previous-name">
                  Yes
                </label>
              </div>
              {/* Shown at all times: the service serves no JavaScript, and this is GOV.UK's fallback without it. */}
              <div class="govuk-radios__conditional" id="conditional-previous-name">
                <TextField
                  id="previous-last-name"
                  name="previousLastName"
                  label="If yes, enter your previous last name"
                  value={props.previousLastName}
                  error={errorFor(props.errors, "previous-last-name")}
                  spellcheck={false}
                />
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="has-previous-name-no" name="hasPreviousName" type="radio" value="no" checked={props.hasPreviousName === "no"} />
                <label class="govuk-label govuk-radios__label" for="has-previous-name-no">
                  No
                </label>
              </div>
            </div>
          </fieldset>
        </div>
        <Button text="Continue" />
      </PostForm>
    </TwoThirdsPage>
  );
}

export function IdentifierPage(
  props: Common & { choice?: string; trn?: string; nino?: string; providerName?: string; awardYear?: string; errors?: FieldError[] },
): JSX.Element {
  const radioError = errorFor(props.errors, "identifier");
  const option = (value: string, id: string, label: string, hint: string, conditional?: JSX.Element) => (
    <>
      <div class="govuk-radios__item">
        <input
          class="govuk-radios__input"
          id={id}
          name="identifier"
          type="radio"
          value={value}
          checked={props.choice === value}
          aria-describedby={`${id}-item-hint`}
          data-aria-controls={conditional ? `conditional-${id}` : undefined}
        />
        <label class="govuk-label govuk-radios__label" for={id} safe>
          {label}
        </label>
        <div id={`${id}-item-hint`} class="govuk-hint govuk-radios__hint" safe>
          {hint}
        </div>
      </div>
      {conditional ? (
        <div class="govuk-radios__conditional" id={`conditional-${id}`}>
          {conditional as "safe"}
        </div>
      ) : (
        ""
      )}
    </>
  );
  return (
    <TwoThirdsPage title="How can we find your teaching record?" brand={props.brand} hasErrors={!!props.errors?.length} backLink={props.backLink}>
      <ErrorSummary errors={summaryOf(props.errors)} />
      <PostForm action="/find-record/identifier" csrfToken={props.csrfToken}>
        <div class={radioError ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <fieldset class="govuk-fieldset" aria-describedby={radioError ? "identifier-hint identifier-error" : "identifier-hint"}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
              <h1 class="govuk-fieldset__heading">How can we find your teaching record?</h1>
            </legend>
            <div id="identifier-hint" class="govuk-hint">
              Choose one. Your teacher reference number (TRN) is on letters and emails about your training and QTS.
            </div>
            <ErrorMessage id="identifier" message={radioError} />
            <div class="govuk-radios" data-module="govuk-radios">
              {option(
                "trn",
                "identifier",
                "I know my TRN",
                "7 digits, for example 1234567",
                <TextField id="trn" label="If you know your TRN, enter it" value={props.trn} error={errorFor(props.errors, "trn")} inputmode="numeric" spellcheck={false} widthClass="govuk-input--width-10" />,
              )}
              {option(
                "nino",
                "identifier-nino",
                "My National Insurance number",
                "It is on your payslip, P60 or letters about tax, pensions and benefits",
                <TextField id="nino" label="If you chose National Insurance number, enter it" hint="For example, QQ 12 34 56 C" value={props.nino} error={errorFor(props.errors, "nino")} spellcheck={false} widthClass="govuk-input--width-10" />,
              )}
              {option(
                "provider",
                "identifier-provider",
                "Where I trained and when I was awarded QTS",
                "The name of your teacher training provider and the year",
                <>
                  <TextField id="provider-name" name="providerName" label="If you chose where you trained, enter your training provider" value={props.providerName} error={errorFor(props.errors, "provider-name")} />
                  <TextField id="award-year" name="awardYear" label="Year you were awarded QTS" hint="For example, 2015" value={props.awardYear} error={errorFor(props.errors, "award-year")} inputmode="numeric" widthClass="govuk-input--width-4" />
                </>,
              )}
              <div class="govuk-radios__divider">or</div>
              {option("none", "identifier-none", "I do not have any of these", "Someone from our team will look for your record")}
            </div>
          </fieldset>
        </div>
        <Button text="Continue" />
      </PostForm>
    </TwoThirdsPage>
  );
}

/** One row of a summary list, with its Change link. */
function Row(props: { label: string; value: string; href: string; what: string }): JSX.Element {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {props.label}
      </dt>
      <dd class="govuk-summary-list__value" safe>
        {props.value}
      </dd>
      <dd class="govuk-summary-list__actions">
        <a class="govuk-link" href={props.href}>
          Change<span class="govuk-visually-hidden" safe>{` ${props.what}`}</span>
        </a>
      </dd>
    </div>
  );
}

export function CheckAnswersPage(props: Common & { answers: FindRecordAnswers; dateOfBirth: string }): JSX.Element {
  const a = props.answers;
  return (
    <TwoThirdsPage title="Check your answers" brand={props.brand} backLink={props.backLink}>
      <h1 class="govuk-heading-l">Check your answers</h1>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Email address</dt>
          <dd class="govuk-summary-list__value govuk-!-text-break-word" safe>
            {a.email}
          </dd>
          <dd class="govuk-summary-list__actions"></dd>
        </div>
        <Row label="Name" value={`${a.firstName} ${a.lastName}`} href="/find-record/name" what="name" />
        <Row label="Previous last name" value={a.previousLastName ?? "None"} href="/find-record/name" what="previous last name" />
        <Row label="Date of birth" value={props.dateOfBirth} href="/find-record/date-of-birth" what="date of birth" />
        {describeIdentifier(a.identifier!).map((row) => (
          <Row label={row.key} value={row.value} href="/find-record/identifier" what={row.key.toLowerCase()} />
        ))}
      </dl>
      <p class="govuk-body">We will use these details to look for your teaching record, then create your account.</p>
      <PostForm action="/find-record/check-answers" csrfToken={props.csrfToken}>
        <Button text="Find my record and create my account" />
      </PostForm>
    </TwoThirdsPage>
  );
}

export function NotFoundPage(props: Common & { canTryAgain: boolean; responseTime: string }): JSX.Element {
  return (
    <TwoThirdsPage title="We could not find your teaching record" brand={props.brand} backLink={props.canTryAgain ? props.backLink : undefined}>
      <h1 class="govuk-heading-l">We could not find your teaching record</h1>
      {props.canTryAgain ? (
        <>
          <p class="govuk-body">We could not find one teaching record that matches the details you gave.</p>
          <p class="govuk-body">
            <a class="govuk-link" href="/find-record/check-answers">
              Check your details and try again
            </a>
            , for example a previous last name, or your TRN if you have it.
          </p>
        </>
      ) : (
        <p class="govuk-body">We could not find one teaching record that matches the details you gave, and we will not search again automatically.</p>
      )}
      <h2 class="govuk-heading-m">Ask us to find your record</h2>
      <p class="govuk-body" safe>
        {`We can create your account now and someone from our team will look for your record. We will email you within ${props.responseTime}. You can sign in to your account in the meantime.`}
      </p>
      <PostForm action="/find-record/not-found" csrfToken={props.csrfToken}>
        <Button text="Create my account and ask for help" />
      </PostForm>
    </TwoThirdsPage>
  );
}

export function CasePage(props: Common & { reference: string; email: string; responseTime: string; clientName: string }): JSX.Element {
  return (
    <TwoThirdsPage title="We are looking for your teaching record" brand={props.brand}>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">Your Teacher ID account has been created</h1>
        <div class="govuk-panel__body">
          Your reference
          <br />
          <strong safe>{props.reference}</strong>
        </div>
      </div>
      <h2 class="govuk-heading-m">We are looking for your teaching record</h2>
      <p class="govuk-body" safe>
        {`Someone from our team will look for your teaching record using the details you gave. We will email you at ${props.email} within ${props.responseTime}.`}
      </p>
      <p class="govuk-body">We have also emailed you your reference. Quote it if you contact us.</p>
      <p class="govuk-body">You can sign in to your account at any time. Your qualifications will show once we have found your record.</p>
      <PostForm action="/find-record/case" csrfToken={props.csrfToken}>
        <Button text={`Continue to ${props.clientName}`} />
      </PostForm>
    </TwoThirdsPage>
  );
}

export function RecordsUnavailablePage(props: { brand: ServiceBrand; limited: boolean }): JSX.Element {
  return (
    <TwoThirdsPage title="Sorry, we cannot look for your record at the moment" brand={props.brand}>
      <h1 class="govuk-heading-l">Sorry, we cannot look for your record at the moment</h1>
      <p class="govuk-body">
        {props.limited ? "Too many people are looking for their records right now." : "We could not reach the service that holds teaching records."}
      </p>
      <p class="govuk-body">We have kept your answers and not created your account.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/find-record/check-answers">
          Try again
        </a>{" "}
        in a few minutes.
      </p>
    </TwoThirdsPage>
  );
}
