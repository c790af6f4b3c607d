// Pages of the "register via the magic link" journey, and one clear page for each case that stops it.
import { ErrorSummary, type PageProps, type ServiceBrand } from "../../web/layout";
import { HelpContact } from "../../web/support";
import { partlyMaskEmail } from "../accounts/accounts";
import { Button, CodeField, CodeNotReceived, codeExpirySentence, ErrorMessage, NewCodeSentBanner, PostForm, TextField, TwoThirdsPage, EmailQuestion, EmailCodeQuestion } from "../journey/components";
import type { RegistrationAnswers } from "../journey/journey-state";
import { signInHref } from "../sign-in/sign-in-paths";
import type { BindFailure } from "./trn-token-binding";

interface Common {
  brand: ServiceBrand;
  csrfToken: string;
  backLink?: string;
}

/** A fieldset is described by its hint and, when there is one, its error message (GOV.UK pattern). */
const describedBy = (id: string, error: string | undefined) => (error ? `${id}-hint ${id}-error` : `${id}-hint`);

/** Why the journey cannot use the token (or bind it), and what to do instead. */
export function BindFailurePage(props: { brand: ServiceBrand; failure: BindFailure; requestId: string }): JSX.Element {
  const signIn = (text: string) => (
    <p class="govuk-body">
      <a class="govuk-link" href={signInHref(props.requestId)} safe>
        {text}
      </a>
    </p>
  );
  const f = props.failure;
  let title: string;
  let body: JSX.Element;
  switch (f.kind) {
    case "unknown":
      title = "This link is not valid";
      body = (
        <>
          <p class="govuk-body">We do not recognise this link. It may have been copied wrongly: check you used the whole link from the email.</p>
          <p class="govuk-body">If you already have a Teacher ID account, you can sign in instead.</p>
          {signIn("Sign in to your Teacher ID account")}
        </>
      );
      break;
    case "expired":
      title = "Your link has expired";
      body = (
        <p class="govuk-body">
          <a class="govuk-link" href={`/interaction/${encodeURIComponent(props.requestId)}`}>
            Get a new link
          </a>
        </p>
      );
      break;
    case "used":
      title = "This link has already been used";
      body = (
        <>
          <p class="govuk-body">Each link can be used once. You already have a Teacher ID account linked to your teacher reference number (TRN).</p>
          {signIn("Sign in to your account")}
        </>
      );
      break;
    case "email-taken":
      title = "You already have a Teacher ID account";
      body = (
        <>
          <p class="govuk-body">An account with this email address was created while you were answering the questions.</p>
          {signIn("Sign in to your account")}
        </>
      );
      break;
    case "account-has-other-trn":
      title = "Your account is linked to a different teacher reference number";
      body = (
        <>
          <p class="govuk-body" safe>{`The Teacher ID account for ${f.account.email} is already linked to a different teacher reference number (TRN) from the one in your link.`}</p>
          <p class="govuk-body">We have not changed anything, and your link has not been used.</p>
          <HelpContact brand={props.brand} about="that your account is linked to a different TRN from the one in your link" />
        </>
      );
      break;
    case "trn-bound-elsewhere":
      title = "Your teacher reference number is linked to another account";
      body = (
        <>
          <p class="govuk-body" safe>{`Your teacher reference number (TRN) is already linked to the Teacher ID account for ${partlyMaskEmail(f.otherEmail)}.`}</p>
          <p class="govuk-body">Each TRN can be linked to one account. Sign in to that account to continue.</p>
          {signIn("Sign in to that account")}
          <p class="govuk-body">If that account is not yours, or you cannot sign in to it, contact us.</p>
          <HelpContact brand={props.brand} about="that your TRN is linked to another account" />
        </>
      );
      break;
  }
  return (
    <TwoThirdsPage title={title} brand={props.brand}>
      <h1 class="govuk-heading-l" safe>
        {title}
      </h1>
      {body as "safe"}
    </TwoThirdsPage>
  );
}

export function TeacherUnavailablePage(props: { brand: ServiceBrand; notFound: boolean }): JSX.Element {
  return (
    <TwoThirdsPage title="Sorry, you cannot create your account at the moment" brand={props.brand}>
      <h1 class="govuk-heading-l">Sorry, you cannot create your account at the moment</h1>
      <p class="govuk-body">
        {props.notFound
          ? "We could not find your teaching record. It may still be being updated."
          : "We could not reach the service that holds teaching records."}
      </p>
      <p class="govuk-body">Try again later using the same link. We have not saved anything and your link still works.</p>
      {props.notFound ? <HelpContact brand={props.brand} about="that we could not find your teaching record" /> : ""}
    </TwoThirdsPage>
  );
}

export function ExistingAccountPage(props: Common & { email: string; signedIn: boolean }): JSX.Element {
  return (
    <TwoThirdsPage title="You already have a Teacher ID account" brand={props.brand}>
      <h1 class="govuk-heading-l">You already have a Teacher ID account</h1>
      {props.signedIn ? (
        <>
          <p class="govuk-body" safe>{`You are signed in as ${props.email}.`}</p>
          <p class="govuk-body">Continue to link your teacher reference number (TRN) to this account, if it is not linked already.</p>
        </>
      ) : (
        <>
          <p class="govuk-body" safe>{`There is a Teacher ID account for ${props.email}.`}</p>
          <p class="govuk-body">
            Sign in to it to link your teacher reference number (TRN). When you continue, we will email a 6-digit security
            code to this address.
          </p>
        </>
      )}
      <PostForm action="/register/continue" csrfToken={props.csrfToken}>
        <Button text="Continue" />
      </PostForm>
    </TwoThirdsPage>
  );
}

export function ChooseAccountPage(props: Common & { signedInEmail: string; tokenEmail: string; error?: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Which account do you want to use?" brand={props.brand} hasErrors={!!props.error}>
      <ErrorSummary errors={props.error ? { account: props.error } : {}} />
      <PostForm action="/register/choose-account" csrfToken={props.csrfToken}>
        <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <fieldset class="govuk-fieldset" aria-describedby={describedBy("account", props.error)}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
              <h1 class="govuk-fieldset__heading">Which account do you want to use?</h1>
            </legend>
            <div id="account-hint" class="govuk-hint" safe>
              {`You are signed in as ${props.signedInEmail}, but your link was sent to ${props.tokenEmail}.`}
            </div>
            <ErrorMessage id="account" message={props.error} />
            <div class="govuk-radios" data-module="govuk-radios">
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="account" name="account" type="radio" value="signed-in" />
                <label class="govuk-label govuk-radios__label" for="account" safe>
                  {`Link my TRN to ${props.signedInEmail}, the account I am signed in to`}
                </label>
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="account-2" name="account" type="radio" value="link" />
                <label class="govuk-label govuk-radios__label" for="account-2" safe>
                  {`Sign out and continue as ${props.tokenEmail}`}
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

export function LandingPage(props: Common & { email: string; clientName: string; asksDateOfBirth: boolean }): JSX.Element {
  return (
    <TwoThirdsPage title="Create a Teacher ID account" brand={props.brand}>
      <h1 class="govuk-heading-l">Create a Teacher ID account</h1>
      <p class="govuk-body">
        A Teacher ID account lets you sign in to Department for Education services for teachers, such as{" "}
        <span safe>{props.clientName}</span>. It is linked to your teacher reference number (TRN), so you will not need to
        answer questions to find your teaching record.
      </p>
      <h2 class="govuk-heading-m">Your email address</h2>
      <p class="govuk-body">
        Your account will use <strong safe>{props.email}</strong>. We sent your link to this address, so you do not need to
        confirm it again.
      </p>
      <h2 class="govuk-heading-m">What we will ask you</h2>
      <ul class="govuk-list govuk-list--bullet">
        <li>your mobile number, to keep your account secure (you can skip this if you do not have one)</li>
        <li>the name you would like us to use</li>
        {props.asksDateOfBirth ? <li>your date of birth</li> : ""}
      </ul>
      <p class="govuk-body">It takes about 2 minutes.</p>
      <PostForm action="/register" csrfToken={props.csrfToken}>
        <Button text="Create an account" />
      </PostForm>
      <h2 class="govuk-heading-m">Already have an account?</h2>
      <p class="govuk-body">
        <a class="govuk-link" href="/sign-in">
          Sign in
        </a>{" "}
        and we will link your TRN to your account.
      </p>
    </TwoThirdsPage>
  );
}

export function PhonePage(props: Common & { value?: string; error?: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Enter your mobile number" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <ErrorSummary errors={props.error ? { phone: props.error } : {}} />
      <PostForm action="/register/phone" csrfToken={props.csrfToken}>
        <TextField
          id="phone"
          label="Enter your mobile number"
          labelIsHeading
          hint="We will text you a security code. For international numbers include the country code, like +33."
          value={props.value}
          error={props.error}
          type="tel"
          autocomplete="tel"
          widthClass="govuk-input--width-20"
        />
        <div class="govuk-button-group">
          <Button text="Continue" />
          <Button text="I do not have access to a mobile phone" secondary name="noPhone" value="yes" />
        </div>
      </PostForm>
    </TwoThirdsPage>
  );
}

export function PhoneCodePage(props: Common & { phone: string; error?: string; code?: string; resent: boolean }): JSX.Element {
  return (
    <TwoThirdsPage title="Check your phone" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <ErrorSummary errors={props.error ? { code: props.error } : {}} />
      <NewCodeSentBanner resent={props.resent} />
      <h1 class="govuk-heading-l">Check your phone</h1>
      <p class="govuk-body">
        We have sent a 6-digit security code to <strong safe>{props.phone}</strong>. {codeExpirySentence}
      </p>
      <PostForm action="/register/phone-code" csrfToken={props.csrfToken}>
        <CodeField label="Enter the 6-digit code from the text message" hint="For example, 123456" error={props.error} value={props.code} />
        <Button text="Continue" />
      </PostForm>
      <CodeNotReceived
        channel="sms"
        csrfToken={props.csrfToken}
        resendAction="/register/phone-code/resend"
        change={{ href: "/register/phone", text: "Change your mobile number" }}
      />
    </TwoThirdsPage>
  );
}

/** Also /account's "change preferred name" (its own `action` and navigation), with the same rules. */
export function PreferredNamePage(
  props: Common & {
    options: string[];
    choice?: string;
    other?: string;
    error?: { field: string; message: string };
    action?: string;
    navigation?: PageProps["navigation"];
  },
): JSX.Element {
  const errors = props.error ? { [props.error.field]: props.error.message } : {};
  const otherError = props.error?.field === "other-name" ? props.error.message : undefined;
  const choiceError = props.error?.field === "name-choice" ? props.error.message : undefined;
  return (
    <TwoThirdsPage title="What name should we use?" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink} navigation={props.navigation}>
      <ErrorSummary errors={errors} />
      <PostForm action={props.action ?? "/register/preferred-name"} csrfToken={props.csrfToken}>
        <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <fieldset class="govuk-fieldset" aria-describedby={describedBy("name-choice", choiceError)}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
              <h1 class="govuk-fieldset__heading">What name should we use?</h1>
            </legend>
            <div id="name-choice-hint" class="govuk-hint">
              We will use this name when we contact you. Your teaching record keeps your full legal name.
            </div>
            <ErrorMessage id="name-choice" message={choiceError} />
            <div class="govuk-radios" data-module="govuk-radios">
              {props.options.map((option, index) => (
                <div class="govuk-radios__item">
                  <input
                    class="govuk-radios__input"
                    id={index === 0 ? "name-choice" : `name-choice-${index}`}
                    name="choice"
                    type="radio"
                    value={String(index)}
                    checked={props.choice === String(index)}
                  />
                  <label class="govuk-label govuk-radios__label" for={index === 0 ? "name-choice" : `name-choice-${index}`} safe>
                    {option}
                  </label>
                </div>
              ))}
              <div class="govuk-radios__item">
                <input
                  class="govuk-radios__input"
                  id={props.options.length === 0 ? "name-choice" : "name-choice-other"}
                  name="choice"
                  type="radio"
                  value="other"
                  checked={props.choice === "other"}
                  data-aria-controls="conditional-other"
                />
                <label class="govuk-label govuk-radios__label" for={props.options.length === 0 ? "name-choice" : "name-choice-other"}>
                  Other
                </label>
              </div>
              {/* Shown at all times: the service serves no JavaScript, and this is GOV.UK's fallback without it. */}
              <div class="govuk-radios__conditional" id="conditional-other">
                <TextField
                  id="other-name"
                  name="otherName"
                  label="If other, enter the name you would like us to use"
                  value={props.other}
                  error={otherError}
                  autocomplete="name"
                  spellcheck={false}
                />
              </div>
            </div>
          </fieldset>
        </div>
        <Button text="Continue" />
      </PostForm>
    </TwoThirdsPage>
  );
}

/** Also "Create an account without a link"'s date of birth (its own `action`), with the same rules. */
export function DateOfBirthPage(
  props: Common & { day?: string; month?: string; year?: string; error?: { field: string; message: string }; action?: string },
): JSX.Element {
  const input = (name: "day" | "month" | "year", label: string, width: string) => {
    const id = `date-of-birth-${name}`;
    const invalid = props.error && (props.error.field === "date-of-birth" || props.error.field === id);
    return (
      <div class="govuk-date-input__item">
        <div class="govuk-form-group">
          <label class="govuk-label govuk-date-input__label" for={id}>
            {label}
          </label>
          <input
            class={`govuk-input govuk-date-input__input ${width}${invalid ? " govuk-input--error" : ""}`}
            id={id}
            name={name}
            type="text"
            inputmode="numeric"
            value={props[name] ?? ""}
            autocomplete={`bday-${name}`}
          />
        </div>
      </div>
    );
  };
  return (
    <TwoThirdsPage title="What is your date of birth?" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <ErrorSummary errors={props.error ? { [props.error.field === "date-of-birth" ? "date-of-birth-day" : props.error.field]: props.error.message } : {}} />
      <PostForm action={props.action ?? "/register/date-of-birth"} csrfToken={props.csrfToken}>
        <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <fieldset class="govuk-fieldset" role="group" aria-describedby={describedBy("date-of-birth", props.error?.message)}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
              <h1 class="govuk-fieldset__heading">What is your date of birth?</h1>
            </legend>
            <div id="date-of-birth-hint" class="govuk-hint">
              For example, 27 3 1990
            </div>
            <ErrorMessage id="date-of-birth" message={props.error?.message} />
            <div class="govuk-date-input" id="date-of-birth">
              {input("day", "Day", "govuk-input--width-2")}
              {input("month", "Month", "govuk-input--width-2")}
              {input("year", "Year", "govuk-input--width-4")}
            </div>
          </fieldset>
        </div>
        <Button text="Continue" />
      </PostForm>
    </TwoThirdsPage>
  );
}

/** Said under a value that came from the teacher's record (through their link), not from their answers. */
const fromRecord = "From your teaching record";

export function CheckAnswersPage(props: Common & { answers: RegistrationAnswers; phoneDisplay?: string; dateOfBirth: string }): JSX.Element {
  const a = props.answers;
  const row = (key: string, value: string, change?: { href: string; what: string }, source?: string) => (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {key}
      </dt>
      <dd class="govuk-summary-list__value">
        <span safe>{value}</span>
        {source ? (
          <p class="govuk-hint govuk-!-font-size-16 govuk-!-margin-top-1 govuk-!-margin-bottom-0" safe>
            {source}
          </p>
        ) : (
          ""
        )}
      </dd>
      {change ? (
        <dd class="govuk-summary-list__actions">
          <a class="govuk-link" href={change.href}>
            Change<span class="govuk-visually-hidden" safe>{` ${change.what}`}</span>
          </a>
        </dd>
      ) : (
        <dd class="govuk-summary-list__actions"></dd>
      )}
    </div>
  );
  const dateOfBirthFromRecord = !!a.teacher?.dateOfBirth;
  return (
    <TwoThirdsPage title="Check your answers" brand={props.brand} backLink={props.backLink}>
      <h1 class="govuk-heading-l">Check your answers</h1>
      <dl class="govuk-summary-list">
        {row("Email address", a.email, { href: "/register/email", what: "email address" })}
        {row("Mobile number", props.phoneDisplay ?? "Not given", { href: "/register/phone", what: "mobile number" })}
        {row("Preferred name", a.preferredName ?? "", { href: "/register/preferred-name", what: "preferred name" })}
        {row(
          "Date of birth",
          props.dateOfBirth,
          dateOfBirthFromRecord ? undefined : { href: "/register/date-of-birth", what: "date of birth" },
          dateOfBirthFromRecord ? fromRecord : undefined,
        )}
        {row("Teacher reference number (TRN)", a.trn, undefined, fromRecord)}
      </dl>
      <h2 class="govuk-heading-m">If something from your teaching record is wrong</h2>
      <p class="govuk-body">
        You can still create your account. {dateOfBirthFromRecord ? "To correct your date of birth, sign in to Access your teaching qualifications and choose “Request a change”. " : ""}
        If your TRN is wrong, do not create an account with it: contact us.
      </p>
      <HelpContact brand={props.brand} heading={false} about="which detail from your teaching record is wrong" />
      <h2 class="govuk-heading-m">Create your account</h2>
      <p class="govuk-body">By creating an account you confirm that these details are correct.</p>
      <PostForm action="/register/check-answers" csrfToken={props.csrfToken}>
        <Button text="Create account" />
      </PostForm>
    </TwoThirdsPage>
  );
}

/** "Use a different email address", from check answers: the account will use the address typed here once its code is checked. */
export function EmailPage(props: Common & { value?: string; error?: string }): JSX.Element {
  return (
    <TwoThirdsPage title="What email address do you want to use?" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <EmailQuestion action="/register/email" csrfToken={props.csrfToken} label="What email address do you want to use?" hint="We will email a security code to this address to check it is yours. Use an address you will keep if you change jobs." value={props.value} error={props.error} />
    </TwoThirdsPage>
  );
}

/** "Check your email": the code sent to the different address. Titles never carry the address. */
export function EmailCodePage(props: Common & { email: string; schoolAddress: boolean; error?: string; code?: string; resent: boolean }): JSX.Element {
  return (
    <TwoThirdsPage title="Check your email" brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <EmailCodeQuestion
        action="/register/email-code"
        resendAction="/register/email-code/resend"
        changeEmailHref="/register/email"
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

/** The address has an account already: said without anything about that account. */
export function EmailInUsePage(props: { brand: ServiceBrand; email: string }): JSX.Element {
  return (
    <TwoThirdsPage title="This email address is already used by another account" brand={props.brand}>
      <h1 class="govuk-heading-l">This email address is already used by another account</h1>
      <p class="govuk-body">
        <strong class="govuk-!-text-break-word" safe>{props.email}</strong> is the email address of another Teacher ID account. Each
        email address can be used by one account only.
      </p>
      <p class="govuk-body">We have not changed the email address for your new account.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/register/email">
          Use a different email address
        </a>
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href="/register/check-answers">
          Go back to check your answers
        </a>
      </p>
    </TwoThirdsPage>
  );
}
