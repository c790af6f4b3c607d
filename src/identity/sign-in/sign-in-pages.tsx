// Sign in with an email address and a 6-digit code sent to it (GOV.UK "Check your email").
import { ErrorSummary, type ServiceBrand } from "../../web/layout";
import { Button, CodeField, CodeNotReceived, codeExpirySentence, NewCodeSentBanner, PostForm, TextField, TwoThirdsPage } from "../journey/components";
import { findRecordHref } from "./sign-in-paths";

interface Common {
  brand: ServiceBrand;
  csrfToken: string;
  backLink?: string;
}

export function EmailPage(
  props: Common & { email?: string; error?: string; registering: boolean; /** A client's request: offers "Create an account without a link". */ requestId?: string },
): JSX.Element {
  const errors: Record<string, string> = props.error ? { email: props.error } : {};
  return (
    <TwoThirdsPage title="Enter your email address" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <ErrorSummary errors={errors} />
      <PostForm action="/sign-in" csrfToken={props.csrfToken}>
        <TextField
          id="email"
          label="Enter your email address"
          labelIsHeading
          hint={
            props.registering
              ? "Use the email address of your Teacher ID account. We will link your teacher reference number (TRN) to it."
              : "Use the email address of your Teacher ID account. We will send you a security code."
          }
          value={props.email}
          error={props.error}
          type="email"
          autocomplete="email"
          spellcheck={false}
        />
        <Button text="Continue" />
      </PostForm>
      {props.requestId !== undefined && !props.registering ? (
        <>
          <h2 class="govuk-heading-m">If you do not have a Teacher ID account</h2>
          <p class="govuk-body">
            If we emailed you a link to create an account, use that link. If you do not have a link, you can{" "}
            <a class="govuk-link" href={findRecordHref(props.requestId)}>
              create an account without a link
            </a>
            . We will ask some questions to find your teaching record.
          </p>
        </>
      ) : (
        ""
      )}
      <p class="govuk-body">
        <a class="govuk-link" href="/recover">
          I cannot access this email address
        </a>
      </p>
    </TwoThirdsPage>
  );
}

export function CheckEmailPage(
  props: Common & { email: string; error?: string; code?: string; resent: boolean; codeIsDead?: boolean },
): JSX.Element {
  const errors: Record<string, string> = props.error ? { code: props.error } : {};
  return (
    <TwoThirdsPage title="Check your email" brand={props.brand} hasErrors={!!props.error} backLink="/sign-in">
      <ErrorSummary errors={errors} />
      <NewCodeSentBanner resent={props.resent} />
      <h1 class="govuk-heading-l">Check your email</h1>
      <p class="govuk-body">
        We have sent an email to <strong safe>{props.email}</strong>. If this address has a Teacher ID account, the email has a
        6-digit security code in it.
      </p>
      <p class="govuk-body">{codeExpirySentence}</p>
      <PostForm action="/sign-in/code" csrfToken={props.csrfToken}>
        <CodeField label="Enter the 6-digit security code" hint="For example, 123456" error={props.error} value={props.code} />
        <Button text="Continue" />
      </PostForm>
      <CodeNotReceived
        channel="email"
        csrfToken={props.csrfToken}
        resendAction="/sign-in/resend"
        change={{ href: "/sign-in", text: "Use a different email address" }}
      />
    </TwoThirdsPage>
  );
}

export function ResendPage(props: Common & { email: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Send another code" brand={props.brand} backLink="/sign-in/code">
      <h1 class="govuk-heading-l">Send another code</h1>
      <p class="govuk-body">
        We will send a new code to <strong safe>{props.email}</strong>. Codes we sent before will stop working.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href="/sign-in">
          Change email address
        </a>
      </p>
      <PostForm action="/sign-in/resend" csrfToken={props.csrfToken}>
        <Button text="Send another code" />
      </PostForm>
    </TwoThirdsPage>
  );
}
