// The support console's sign-in pages. No page says whether an email address belongs to staff.
import { ErrorSummary, type ServiceBrand } from "../../../web/layout";
import { Button, CodeField, EmailQuestion, PostForm, TextField } from "../../journey/components";
import { ConsolePage } from "../admin-layout";

interface Common {
  brand: ServiceBrand;
  csrfToken: string;
  error?: string;
}

export function StaffEmailPage(props: Common & { value?: string; signedOut?: boolean; timedOut?: boolean }): JSX.Element {
  return (
    <ConsolePage title="Sign in to Teacher ID support" brand={props.brand} member={null} hasErrors={Boolean(props.error)}>
      {props.signedOut ? <p class="govuk-inset-text">You have signed out.</p> : ""}
      {props.timedOut ? <p class="govuk-inset-text">Your sign-in has ended. Sign in again to continue.</p> : ""}
      <EmailQuestion
        action="/admin/sign-in"
        csrfToken={props.csrfToken}
        label="Sign in to Teacher ID support"
        hint="Enter your Department for Education email address. We will email you a security code."
        value={props.value}
        error={props.error}
      />
    </ConsolePage>
  );
}

export function StaffCodePage(props: Common): JSX.Element {
  return (
    <ConsolePage title="Check your email" brand={props.brand} member={null} hasErrors={Boolean(props.error)} backLink="/admin/sign-in">
      <ErrorSummary errors={props.error ? { code: props.error } : {}} />
      <h1 class="govuk-heading-l">Check your email</h1>
      <p class="govuk-body">If that address belongs to a member of the support team, we have sent it a security code. The code expires in 10 minutes.</p>
      <PostForm action="/admin/sign-in/code" csrfToken={props.csrfToken}>
        <CodeField label="Security code" hint="The code is 6 digits, like 123456" error={props.error} />
        <Button text="Continue" />
      </PostForm>
      <p class="govuk-body">
        <a class="govuk-link" href="/admin/sign-in">
          Send another code
        </a>
      </p>
    </ConsolePage>
  );
}

export function EnrolPage(props: Common & { qrSvg: string; secret: string; email: string }): JSX.Element {
  // The secret in groups of 4 so it can be typed.
  const grouped = props.secret.replace(/(.{4})/g, "$1 ").trim();
  return (
    <ConsolePage title="Set up your authenticator app" brand={props.brand} member={null} hasErrors={Boolean(props.error)}>
      <ErrorSummary errors={props.error ? { code: props.error } : {}} />
      <h1 class="govuk-heading-l">Set up your authenticator app</h1>
      <p class="govuk-body">Every sign-in to the support console needs a code from an authenticator app on your work phone, as well as the code we email you.</p>
      <ol class="govuk-list govuk-list--number">
        <li>Open your authenticator app and add an account.</li>
        <li>Scan the QR code, or enter the key below instead.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div class="govuk-!-margin-bottom-4" role="img" aria-label="QR code to add Teacher ID support to your authenticator app" id="totp-qr">
        {props.qrSvg}
      </div>
      <p class="govuk-body">
        Key: <code class="govuk-!-font-weight-bold" id="totp-secret" safe>{grouped}</code>
      </p>
      <p class="govuk-body-s" safe>{`Account: ${props.email}. Type: time-based, 6 digits, every 30 seconds.`}</p>
      <PostForm action="/admin/sign-in/enrol" csrfToken={props.csrfToken}>
        <CodeField label="Code from your authenticator app" hint="The code is 6 digits, like 123456" error={props.error} />
        <Button text="Continue" />
      </PostForm>
    </ConsolePage>
  );
}

export function RecoveryCodesPage(props: { brand: ServiceBrand; codes: string[] }): JSX.Element {
  return (
    <ConsolePage title="Save your recovery codes" brand={props.brand} member={null}>
      <h1 class="govuk-heading-l">Save your recovery codes</h1>
      <p class="govuk-body">If you lose your phone, each of these codes lets you sign in once instead of a code from your app. We will not show them again.</p>
      <p class="govuk-body">Keep them somewhere safe that is not your phone, such as your team's password manager.</p>
      <ul class="govuk-list" id="recovery-codes">
        {props.codes.map((code) => (
          <li>
            <code safe>{code}</code>
          </li>
        ))}
      </ul>
      <a href="/admin" class="govuk-button" data-module="govuk-button">
        I have saved my recovery codes
      </a>
    </ConsolePage>
  );
}

export function TotpPage(props: Common): JSX.Element {
  return (
    <ConsolePage title="Enter the code from your authenticator app" brand={props.brand} member={null} hasErrors={Boolean(props.error)}>
      <ErrorSummary errors={props.error ? { code: props.error } : {}} />
      <PostForm action="/admin/sign-in/totp" csrfToken={props.csrfToken}>
        <h1 class="govuk-heading-l">Enter the code from your authenticator app</h1>
        <CodeField label="Code" hint="The code is 6 digits, like 123456" error={props.error} />
        <Button text="Sign in" />
      </PostForm>
      <p class="govuk-body">
        <a class="govuk-link" href="/admin/sign-in/recovery">
          I cannot use my authenticator app
        </a>
      </p>
    </ConsolePage>
  );
}

export function RecoveryPage(props: Common): JSX.Element {
  return (
    <ConsolePage title="Enter a recovery code" brand={props.brand} member={null} hasErrors={Boolean(props.error)} backLink="/admin/sign-in/totp">
      <ErrorSummary errors={props.error ? { "recovery-code": props.error } : {}} />
      <PostForm action="/admin/sign-in/recovery" csrfToken={props.csrfToken}>
        <TextField id="recovery-code" label="Enter a recovery code" labelIsHeading hint="One of the codes you saved when you set up your authenticator app, like abcd-efgh-jkmn. Each works once." error={props.error} autocomplete="off" spellcheck={false} />
        <Button text="Sign in" />
      </PostForm>
      <p class="govuk-body">If you have no recovery codes left, ask an admin to reset your authenticator app.</p>
    </ConsolePage>
  );
}
