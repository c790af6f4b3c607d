// "I cannot access this email address": the pages of account recovery by a code texted to the
// account's verified mobile (GOV.UK "Check your phone").
import { ErrorSummary, type ServiceBrand } from "../../web/layout";
import { Button, CodeField, EmailQuestion, NewCodeSentBanner, PostForm, TwoThirdsPage } from "../journey/components";

interface Common {
  brand: ServiceBrand;
  csrfToken: string;
}

/**
 * How to get help when no code can be sent, or the phone is lost too. A plain paragraph for now:
 * the shared support-contact component (SUPPORT_EMAIL) will take its place.
 */
export function RecoveryHelp(): JSX.Element {
  return (
    <p class="govuk-body" data-recovery-help>
      To get back into your account, email the Teaching Regulation Agency at{" "}
      <a class="govuk-link" href="mailto:qts.enquiries@education.gov.uk">
        qts.enquiries@education.gov.uk
      </a>
      . Say that you cannot access the email address of your Teacher ID account. Tell them your full name, your date of birth and your
      teacher reference number (TRN) if you know it. Do not send them security codes or links.
    </p>
  );
}

export function RecoveryEmailPage(props: Common & { email?: string; error?: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Sign in with your mobile phone" brand={props.brand} hasErrors={!!props.error} backLink="/sign-in">
      <EmailQuestion
        action="/recover"
        csrfToken={props.csrfToken}
        label="What is the email address of your Teacher ID account?"
        hint="If your account has a mobile number, we will text a security code to it. You can then sign in and change your email address."
        value={props.email}
        error={props.error}
      />
    </TwoThirdsPage>
  );
}

export function CheckPhonePage(
  props: Common & { email: string; phoneEnding: string; error?: string; code?: string; resent: boolean },
): JSX.Element {
  return (
    <TwoThirdsPage title="Check your phone" brand={props.brand} hasErrors={!!props.error} backLink="/recover">
      <ErrorSummary errors={props.error ? { code: props.error } : {}} />
      <NewCodeSentBanner resent={props.resent} />
      <h1 class="govuk-heading-l">Check your phone</h1>
      <p class="govuk-body">
        We have sent a text message with a 6-digit security code to the mobile number ending <strong safe>{props.phoneEnding}</strong>, the
        number on the Teacher ID account for <strong safe>{props.email}</strong>.
      </p>
      <p class="govuk-body">The code expires after 10 minutes.</p>
      <p class="govuk-body">
        Once you have signed in, we will ask for your new email address, and send a code to it to check that it is yours.
      </p>
      <PostForm action="/recover/code" csrfToken={props.csrfToken}>
        <CodeField label="Enter the 6-digit security code" hint="For example, 123456" error={props.error} value={props.code} />
        <Button text="Continue" />
      </PostForm>
      <h2 class="govuk-heading-m">If you have not received a text message</h2>
      <p class="govuk-body">
        Text messages may take a few minutes to arrive.{" "}
        <a class="govuk-link" href="/recover/resend">
          Send another code
        </a>
        .
      </p>
      <p class="govuk-body">If you no longer have this phone:</p>
      <RecoveryHelp />
    </TwoThirdsPage>
  );
}

/**
 * The same step when no code could be sent: there is no account with this address, or it has no
 * verified mobile. One page for both, so it does not say which.
 */
export function NoMobilePage(props: Common & { email: string }): JSX.Element {
  return (
    <TwoThirdsPage title="We cannot text you a security code" brand={props.brand} backLink="/recover">
      <h1 class="govuk-heading-l">We cannot text you a security code</h1>
      <p class="govuk-body">
        We can only text a code to a mobile number that was added to a Teacher ID account. We have no mobile number we can use for{" "}
        <strong safe>{props.email}</strong>, so we have not sent a text message.
      </p>
      <RecoveryHelp />
      <p class="govuk-body">
        <a class="govuk-link" href="/recover">
          Try a different email address
        </a>{" "}
        or{" "}
        <a class="govuk-link" href="/sign-in">
          sign in with a code sent by email
        </a>
        .
      </p>
    </TwoThirdsPage>
  );
}

export function RecoveryResendPage(props: Common & { phoneEnding: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Send another code" brand={props.brand} backLink="/recover/code">
      <h1 class="govuk-heading-l">Send another code</h1>
      <p class="govuk-body">
        We will text a new code to the mobile number ending <strong safe>{props.phoneEnding}</strong>. Codes we sent before will stop
        working.
      </p>
      <PostForm action="/recover/resend" csrfToken={props.csrfToken}>
        <Button text="Send a new code" />
      </PostForm>
    </TwoThirdsPage>
  );
}
