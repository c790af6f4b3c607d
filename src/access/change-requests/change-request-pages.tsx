// The pages where a teacher asks records to correct their name or date of birth, with evidence.
import { ukTime } from "../../mail/time-in-words";
import type { Children } from "@kitajs/html";
import { ErrorSummary, Page, type ServiceBrand } from "../../web/layout";
import { signedInNavigation } from "../context";
import { formatUkDate } from "../display/format";
import { Button, DateField, FileField, Form, Radios, TextField, type FormErrors } from "./form-fields";

export const changeRequestPaths = {
  start: "/change-requests",
  name: "/change-requests/name",
  dateOfBirth: "/change-requests/date-of-birth",
  /** The confirmation of one request, by its case reference. */
  requested: (caseReference: string) => `/change-requests/${caseReference}`,
} as const;

const backToQualifications = "/qualifications";

function QuestionPage(props: { title: string; brand: ServiceBrand; errors?: FormErrors; backLink?: string; children?: Children }): JSX.Element {
  const hasErrors = !!props.errors && Object.keys(props.errors).length > 0;
  return (
    <Page title={props.title} brand={props.brand} hasErrors={hasErrors} backLink={props.backLink} navigation={signedInNavigation}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={props.errors ?? {}} />
          {props.children as "safe"}
        </div>
      </div>
    </Page>
  );
}

export function ChooseChangePage(props: { brand: ServiceBrand; csrfToken: string; error?: string }): JSX.Element {
  return (
    <QuestionPage
      title="What do you want to change?"
      brand={props.brand}
      errors={props.error ? { detail: props.error } : {}}
      backLink={backToQualifications}
    >
      <Form action={changeRequestPaths.start} csrfToken={props.csrfToken}>
        <Radios
          id="detail"
          name="detail"
          legend="What do you want to change?"
          options={[
            { value: "name", label: "Your name" },
            { value: "date-of-birth", label: "Your date of birth" },
          ]}
          error={props.error}
        />
        <Button text="Continue" />
      </Form>
    </QuestionPage>
  );
}

/** Under the upload when the page comes back with errors: browsers do not keep a chosen file. */
function SelectAgain(props: { errors: FormErrors }): JSX.Element {
  if (Object.keys(props.errors).length === 0 || props.errors.evidence) return "";
  return <p class="govuk-body">If you selected a file, select it again.</p>;
}

const fileRules = "The file must be a PDF, JPG or PNG and smaller than 10MB.";

const WhatHappensNext = () => (
  <p class="govuk-body">
    We will check your evidence before we change your teaching record. We will give you a case reference for your request.
  </p>
);

export interface NameAnswers {
  firstName?: string;
  middleName?: string;
  lastName?: string;
}

export function NameChangePage(props: { brand: ServiceBrand; csrfToken: string; answers: NameAnswers; errors: FormErrors }): JSX.Element {
  const { answers, errors } = props;
  return (
    <QuestionPage title="Ask for your name to be changed" brand={props.brand} errors={errors} backLink={changeRequestPaths.start}>
      <h1 class="govuk-heading-l">Ask for your name to be changed</h1>
      <WhatHappensNext />
      <Form action={changeRequestPaths.name} csrfToken={props.csrfToken} upload>
        <h2 class="govuk-heading-m">Your correct name</h2>
        <TextField id="first-name" name="firstName" label="First name" value={answers.firstName} error={errors["first-name"]} autocomplete="given-name" />
        <TextField
          id="middle-name"
          name="middleName"
          label="Middle names (optional)"
          value={answers.middleName}
          error={errors["middle-name"]}
          autocomplete="additional-name"
        />
        <TextField id="last-name" name="lastName" label="Last name" value={answers.lastName} error={errors["last-name"]} autocomplete="family-name" />
        <FileField
          id="evidence"
          label="Upload evidence of your name"
          hint={`For example, a marriage or civil partnership certificate, a deed poll, or your passport. ${fileRules}`}
          error={errors.evidence}
        />
        <SelectAgain errors={errors} />
        <Button text="Send request" />
      </Form>
    </QuestionPage>
  );
}

export interface DateAnswers {
  day?: string;
  month?: string;
  year?: string;
}

export function DateOfBirthChangePage(props: {
  brand: ServiceBrand;
  csrfToken: string;
  answers: DateAnswers;
  errors: FormErrors;
}): JSX.Element {
  const { answers, errors } = props;
  // The date's message belongs to one of its boxes (or to the first, for the whole date).
  const dateError = Object.entries(errors).find(([field]) => field.startsWith("date-of-birth"));
  return (
    <QuestionPage title="Ask for your date of birth to be changed" brand={props.brand} errors={errors} backLink={changeRequestPaths.start}>
      <h1 class="govuk-heading-l">Ask for your date of birth to be changed</h1>
      <WhatHappensNext />
      <Form action={changeRequestPaths.dateOfBirth} csrfToken={props.csrfToken} upload>
        <DateField
          id="date-of-birth"
          legend="Your correct date of birth"
          hint="For example, 27 3 1990"
          value={answers}
          error={dateError ? { field: dateError[0] === "date-of-birth-day" ? "date-of-birth" : dateError[0], message: dateError[1] } : undefined}
        />
        <FileField
          id="evidence"
          label="Upload evidence of your date of birth"
          hint={`For example, your passport, birth certificate or driving licence. ${fileRules}`}
          error={errors.evidence}
        />
        <SelectAgain errors={errors} />
        <Button text="Send request" />
      </Form>
    </QuestionPage>
  );
}

export function RequestSentPage(props: { brand: ServiceBrand; caseReference: string; createdUtc: string; emailed: boolean }): JSX.Element {
  return (
    <Page title="Request sent" brand={props.brand} navigation={signedInNavigation}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <div class="govuk-panel govuk-panel--confirmation">
            <h1 class="govuk-panel__title">Request sent</h1>
            <div class="govuk-panel__body">
              Your case reference is
              <br />
              <strong safe>{props.caseReference}</strong>
            </div>
          </div>
          <p class="govuk-body" safe>
            {`You sent this request on ${formatUkDate(props.createdUtc)}.${props.emailed ? " We have emailed you to confirm it." : ""}`}
          </p>
          <h2 class="govuk-heading-m">What happens next</h2>
          <p class="govuk-body">
            We will check your evidence before we change your teaching record. Until then, your record and your certificates
            show your details as they are now.
          </p>
          <p class="govuk-body">Keep your case reference in case you need to contact us about this request.</p>
          <p class="govuk-body">
            <a class="govuk-link" href={backToQualifications}>
              Go to your teaching qualifications
            </a>
          </p>
        </div>
      </div>
    </Page>
  );
}

export function TooManyRequestsPage(props: { brand: ServiceBrand; message: string }): JSX.Element {
  return (
    <Page title="You cannot ask for another change yet" brand={props.brand} navigation={signedInNavigation}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">You cannot ask for another change yet</h1>
          <p class="govuk-body" safe>
            {`${props.message}.`}
          </p>
          <p class="govuk-body">Nothing has been sent.</p>
          <p class="govuk-body">
            <a class="govuk-link" href={backToQualifications}>
              Go to your teaching qualifications
            </a>
          </p>
        </div>
      </div>
    </Page>
  );
}

export function RequestNotFoundPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="We could not find that request" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">We could not find that request</h1>
      <p class="govuk-body">It may have been dealt with already, or the case reference in the address may be wrong.</p>
      <p class="govuk-body">
        <a class="govuk-link" href={backToQualifications}>
          Go to your teaching qualifications
        </a>
      </p>
    </Page>
  );
}

/** Too many change requests sent by one teacher in a short time (changeRequestsPerHour). */
export function TooManyChangeRequestsPage(props: { brand: ServiceBrand; retryAt: number }): JSX.Element {
  // Rounded up to the minute, so "try again after 3:45pm" is never too early.
  const at = ukTime(Math.ceil(props.retryAt / 60_000) * 60_000);
  return (
    <Page title="You need to wait before trying again" brand={props.brand}>
      <h1 class="govuk-heading-l">You need to wait before trying again</h1>
      <p class="govuk-body">You have sent a lot of requests to change your details in a short time.</p>
      <p class="govuk-body" safe>{`Try again after ${at}. Nothing you sent just now has been saved.`}</p>
    </Page>
  );
}
