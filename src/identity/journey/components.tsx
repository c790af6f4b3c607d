// Small GOV.UK form pieces the journey pages share. Values and messages are always escaped (`safe`).
import type { Children } from "@kitajs/html";
import { CsrfField, ErrorSummary, Page, type PageProps } from "../../web/layout";
import { codeExpiresIn } from "../security-codes/messages";
import { SuccessBanner } from "../../web/banners";

/** A GOV.UK page whose content sits in the two-thirds column, as question pages do. */
export function TwoThirdsPage(props: PageProps): JSX.Element {
  const { children, ...page } = props;
  return (
    <Page {...page}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">{children as "safe"}</div>
      </div>
    </Page>
  );
}

export function ErrorMessage(props: { id: string; message?: string }): JSX.Element {
  if (!props.message) return "";
  return (
    <p id={`${props.id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">Error:</span> <span safe>{props.message}</span>
    </p>
  );
}

export function TextField(props: {
  id: string;
  name?: string;
  label: string;
  labelIsHeading?: boolean;
  hint?: string;
  value?: string;
  error?: string;
  type?: string;
  autocomplete?: string;
  inputmode?: string;
  spellcheck?: boolean;
  widthClass?: string;
}): JSX.Element {
  const describedBy = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ");
  const label = (
    <label class={props.labelIsHeading ? "govuk-label govuk-label--l" : "govuk-label"} for={props.id} safe>
      {props.label}
    </label>
  );
  return (
    <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
      {props.labelIsHeading ? <h1 class="govuk-label-wrapper">{label as "safe"}</h1> : label}
      {props.hint ? (
        <div id={`${props.id}-hint`} class="govuk-hint" safe>
          {props.hint}
        </div>
      ) : (
        ""
      )}
      <ErrorMessage id={props.id} message={props.error} />
      <input
        class={`govuk-input ${props.widthClass ?? ""}${props.error ? " govuk-input--error" : ""}`.trim()}
        id={props.id}
        name={props.name ?? props.id}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        spellcheck={props.spellcheck === undefined ? undefined : String(props.spellcheck)}
        aria-describedby={describedBy || undefined}
      />
    </div>
  );
}

/** The 6-digit code box: one-time-code autocomplete and a numeric keypad on phones. */
export function CodeField(props: { label: string; hint: string; error?: string; value?: string }): JSX.Element {
  return (
    <TextField
      id="code"
      label={props.label}
      hint={props.hint}
      error={props.error}
      value={props.value}
      autocomplete="one-time-code"
      inputmode="numeric"
      spellcheck={false}
      widthClass="govuk-input--width-5"
    />
  );
}

export function PostForm(props: { action: string; csrfToken: string; children?: Children }): JSX.Element {
  return (
    <form method="post" action={props.action} novalidate>
      <CsrfField token={props.csrfToken} />
      {props.children as "safe"}
    </form>
  );
}

export function Button(props: { text: string; secondary?: boolean; name?: string; value?: string }): JSX.Element {
  return (
    <button
      type="submit"
      class={props.secondary ? "govuk-button govuk-button--secondary" : "govuk-button"}
      data-module="govuk-button"
      name={props.name}
      value={props.value}
      safe
    >
      {props.text}
    </button>
  );
}

export function Paragraph(props: { children?: Children }): JSX.Element {
  return <p class="govuk-body">{props.children as "safe"}</p>;
}

/** One question asking for an email address: its error summary, the field and Continue. */
export function EmailQuestion(props: { action: string; csrfToken: string; label: string; hint: string; value?: string; error?: string }): JSX.Element {
  return (
    <>
      <ErrorSummary errors={props.error ? { email: props.error } : {}} />
      <PostForm action={props.action} csrfToken={props.csrfToken}>
        <TextField
          id="email"
          label={props.label}
          labelIsHeading
          hint={props.hint}
          value={props.value}
          error={props.error}
          type="email"
          autocomplete="email"
          spellcheck={false}
        />
        <Button text="Continue" />
      </PostForm>
    </>
  );
}

/** "We have sent you a new code": the one way every code page says a new code went (after "Send another code"). */
export function NewCodeSentBanner(props: { resent: boolean }): JSX.Element {
  return props.resent ? <SuccessBanner heading="We have sent you a new code" id="new-code-title" /> : "";
}

/** How every code page says how long a code lasts (from the code lifetime: "The code expires in 10 minutes."). */
export const codeExpirySentence = `The code expires in ${codeExpiresIn}.`;

/**
 * "I have not received an email / a text message": the one pattern on every code page. It holds no
 * field an error could point to (errors point to the code box, outside it).
 */
export function CodeNotReceived(props: { channel: "email" | "sms"; csrfToken: string; resendAction: string; change: { href: string; text: string } }): JSX.Element {
  return (
    <details class="govuk-details">
      <summary class="govuk-details__summary">
        <span class="govuk-details__summary-text">{props.channel === "email" ? "I have not received an email" : "I have not received a text message"}</span>
      </summary>
      <div class="govuk-details__text">
        <p class="govuk-body">
          {props.channel === "email"
            ? "The email may take a few minutes to arrive. Check your spam or junk folder."
            : "Text messages can take a few minutes to arrive."}
        </p>
        <PostForm action={props.resendAction} csrfToken={props.csrfToken}>
          <Button text="Send another code" secondary />
        </PostForm>
        <p class="govuk-body">
          <a class="govuk-link" href={props.change.href} safe>
            {props.change.text}
          </a>
        </p>
      </div>
    </details>
  );
}

/**
 * "Check your email" for a code sent to an address the journey is proving: the heading, where it
 * went, a warning for a school or university address, the code box, and "Send a new code" / "Use a
 * different email address". Titles never carry the address.
 */
export function EmailCodeQuestion(props: {
  action: string;
  resendAction: string;
  changeEmailHref: string;
  csrfToken: string;
  email: string;
  schoolAddress: boolean;
  error?: string;
  code?: string;
  resent: boolean;
}): JSX.Element {
  return (
    <>
      <ErrorSummary errors={props.error ? { code: props.error } : {}} />
      <NewCodeSentBanner resent={props.resent} />
      <h1 class="govuk-heading-l">Check your email</h1>
      <p class="govuk-body">
        We have sent a 6-digit security code to <strong class="govuk-!-text-break-word" safe>{props.email}</strong>.{" "}
        {codeExpirySentence}
      </p>
      {props.schoolAddress ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <strong class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">Warning</span>
            This looks like the address of a school, college or university. If you change jobs or finish your course, you may not be able to
            get emails there, and you would not be able to sign in to your account.
          </strong>
        </div>
      ) : (
        ""
      )}
      <PostForm action={props.action} csrfToken={props.csrfToken}>
        <CodeField label="Enter the 6-digit security code" hint="For example, 123456" error={props.error} value={props.code} />
        <Button text="Continue" />
      </PostForm>
      <CodeNotReceived
        channel="email"
        csrfToken={props.csrfToken}
        resendAction={props.resendAction}
        change={{ href: props.changeEmailHref, text: "Use a different email address" }}
      />
    </>
  );
}
