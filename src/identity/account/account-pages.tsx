// The pages of "Your Teacher ID account" (/account). Every value a person typed or records holds is
// escaped (`safe`). Page titles never carry an email address or number: titles end up in browser
// history, synced tabs and analytics, where the page body does not.
import { HelpContact } from "../../web/support";
import type { Children } from "@kitajs/html";
import { ErrorSummary, type ServiceBrand } from "../../web/layout";
import { Button, CodeField, CodeNotReceived, codeExpirySentence, ErrorMessage, NewCodeSentBanner, PostForm, TextField, TwoThirdsPage, EmailQuestion } from "../journey/components";
import { SuccessBanner } from "../../web/banners";

/** The service navigation on every account page. */
export const accountNavigation = [
  { text: "Your account", href: "/account" },
  { text: "Sign out", href: "/end-session" },
];

interface Common {
  brand: ServiceBrand;
  csrfToken: string;
}

function AccountPage(props: { title: string; brand: ServiceBrand; hasErrors?: boolean; backLink?: string; signedIn?: boolean; children?: Children }) {
  return (
    <TwoThirdsPage
      title={props.title}
      brand={props.brand}
      hasErrors={props.hasErrors}
      backLink={props.backLink}
      navigation={props.signedIn === false ? undefined : accountNavigation}
    >
      {props.children as "safe"}
    </TwoThirdsPage>
  );
}


function Row(props: { label: string; value: string; action?: { href: string; text: string; what: string } }): JSX.Element {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {props.label}
      </dt>
      <dd class="govuk-summary-list__value" safe>
        {props.value}
      </dd>
      {props.action ? (
        <dd class="govuk-summary-list__actions">
          <a class="govuk-link" href={props.action.href}>
            <span safe>{props.action.text}</span>
            <span class="govuk-visually-hidden" safe>{` ${props.action.what}`}</span>
          </a>
        </dd>
      ) : (
        <dd class="govuk-summary-list__actions"></dd>
      )}
    </div>
  );
}

/** The teacher's official details as read from records for this page view. */
export type OfficialDetails =
  | { status: "found"; name: string; dateOfBirth: string; trn: string }
  | { status: "no-trn" }
  | { status: "not-found"; trn: string }
  | { status: "unavailable"; trn: string };

export interface ServiceRow {
  clientId: string;
  name: string;
  lastSignedIn: string;
}

export function OverviewPage(props: {
  brand: ServiceBrand;
  email: string;
  phone: string | null;
  preferredName: string | null;
  official: OfficialDetails;
  services: ServiceRow[];
  banner?: string;
}): JSX.Element {
  const { official } = props;
  return (
    <AccountPage title="Your Teacher ID account" brand={props.brand}>
      {props.banner ? <SuccessBanner heading={props.banner} /> : ""}
      <h1 class="govuk-heading-l">Your Teacher ID account</h1>

      <h2 class="govuk-heading-m">Your details</h2>
      <dl class="govuk-summary-list govuk-!-margin-bottom-9">
        <Row label="Email address" value={props.email} action={{ href: "/account/email", text: "Change", what: "email address" }} />
        <Row
          label="Mobile number"
          value={props.phone ?? "Not given"}
          action={{ href: "/account/mobile", text: props.phone ? "Change" : "Add", what: "mobile number" }}
        />
        <Row
          label="Preferred name"
          value={props.preferredName ?? "Not given"}
          action={{ href: "/account/preferred-name", text: "Change", what: "preferred name" }}
        />
      </dl>

      <h2 class="govuk-heading-m">Your teaching record</h2>
      {official.status === "found" ? (
        <dl class="govuk-summary-list">
          <Row label="Name" value={official.name} />
          <Row label="Date of birth" value={official.dateOfBirth} />
          <Row label="Teacher reference number (TRN)" value={official.trn} />
        </dl>
      ) : official.status === "no-trn" ? (
        <p class="govuk-body">Your account is not linked to a teaching record.</p>
      ) : (
        <>
          <dl class="govuk-summary-list">
            <Row label="Teacher reference number (TRN)" value={official.trn} />
          </dl>
          <p class="govuk-body">
            {official.status === "not-found"
              ? "We could not find your teaching record. It may still be being updated."
              : "We cannot show your name and date of birth from your teaching record at the moment. Try again later."}
          </p>
        </>
      )}
      {official.status === "no-trn" ? (
        ""
      ) : (
        <p class="govuk-body govuk-!-margin-bottom-9">
          These details come from your teaching record, which the Teaching Regulation Agency keeps. If your name or date of birth
          is wrong, sign in to Access your teaching qualifications to ask for a correction.
        </p>
      )}

      <h2 class="govuk-heading-m">Services you have signed in to</h2>
      {props.services.length === 0 ? (
        <p class="govuk-body govuk-!-margin-bottom-9">No services can use your Teacher ID account at the moment.</p>
      ) : (
        <>
          <p class="govuk-body">These services can use your Teacher ID account to get your details. If you remove access, you will need to sign in again next time you use the service.</p>
          <dl class="govuk-summary-list govuk-!-margin-bottom-9">
            {props.services.map((service) => (
              <Row
                label={service.name}
                value={`Last signed in ${service.lastSignedIn}`}
                action={{ href: `/account/services/${encodeURIComponent(service.clientId)}/remove`, text: "Remove access", what: `for ${service.name}` }}
              />
            ))}
          </dl>
        </>
      )}

      <h2 class="govuk-heading-m">Sign out everywhere</h2>
      <p class="govuk-body">
        If you have used your account on a computer or phone you no longer use, or think someone else may be signed in, you can
        sign out of Teacher ID on every device.
      </p>
      <p class="govuk-body govuk-!-margin-bottom-9">
        <a class="govuk-link" href="/account/sign-out-everywhere">
          Sign out everywhere
        </a>
      </p>

      <h2 class="govuk-heading-m">Delete your account</h2>
      <p class="govuk-body">Deleting your Teacher ID account does not change your teaching record.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/account/delete">
          Delete your Teacher ID account
        </a>
      </p>
    </AccountPage>
  );
}

export function NewEmailPage(props: Common & { value?: string; error?: string }): JSX.Element {
  return (
    <AccountPage title="What is your new email address?" brand={props.brand} hasErrors={!!props.error} backLink="/account">
      <EmailQuestion action="/account/email" csrfToken={props.csrfToken} label="What is your new email address?" hint="We will email a security code to this address to check it is yours. Use an address you will keep if you change jobs." value={props.value} error={props.error} />
    </AccountPage>
  );
}

export function SchoolEmailPage(props: Common & { email: string; error?: string }): JSX.Element {
  const describedBy = props.error ? "confirm-hint confirm-error" : "confirm-hint";
  return (
    <AccountPage title="Are you sure you want to use a school or university email address?" brand={props.brand} hasErrors={!!props.error} backLink="/account/email">
      <ErrorSummary errors={props.error ? { confirm: props.error } : {}} />
      <PostForm action="/account/email/school" csrfToken={props.csrfToken}>
        <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
          <fieldset class="govuk-fieldset" aria-describedby={describedBy}>
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--l">
              <h1 class="govuk-fieldset__heading">Are you sure you want to use a school or university email address?</h1>
            </legend>
            <div id="confirm-hint" class="govuk-hint">
              <span class="govuk-!-text-break-word" safe>{`${props.email} looks like the address of a school, college or university.`}</span> If you change jobs or
              finish your course, you may not be able to get emails there, and you would not be able to sign in to your account.
            </div>
            <ErrorMessage id="confirm" message={props.error} />
            <div class="govuk-radios" data-module="govuk-radios">
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="confirm" name="confirm" type="radio" value="yes" />
                <label class="govuk-label govuk-radios__label" for="confirm">
                  Yes, use this email address
                </label>
              </div>
              <div class="govuk-radios__item">
                <input class="govuk-radios__input" id="confirm-2" name="confirm" type="radio" value="no" />
                <label class="govuk-label govuk-radios__label" for="confirm-2">
                  No, use a different email address
                </label>
              </div>
            </div>
          </fieldset>
        </div>
        <Button text="Continue" />
      </PostForm>
    </AccountPage>
  );
}

/** "Check your email" / "Check your phone": a code was sent; enter it, or send another. */
export function CodePage(
  props: Common & {
    channel: "email" | "phone";
    sentTo: string;
    action: string;
    resendAction: string;
    change: { href: string; text: string };
    backLink: string;
    intro?: string;
    buttonText?: string;
    warningButton?: boolean;
    error?: string;
    code?: string;
    resent?: boolean;
  },
): JSX.Element {
  const title = props.channel === "email" ? "Check your email" : "Check your phone";
  return (
    <AccountPage title={title} brand={props.brand} hasErrors={!!props.error} backLink={props.backLink}>
      <ErrorSummary errors={props.error ? { code: props.error } : {}} />
      <NewCodeSentBanner resent={!!props.resent} />
      <h1 class="govuk-heading-l" safe>
        {title}
      </h1>
      {props.intro ? (
        <p class="govuk-body" safe>
          {props.intro}
        </p>
      ) : (
        ""
      )}
      <p class="govuk-body">
        We have sent a 6-digit security code to <strong class="govuk-!-text-break-word" safe>{props.sentTo}</strong>.{" "}
        {codeExpirySentence}
      </p>
      <PostForm action={props.action} csrfToken={props.csrfToken}>
        <CodeField
          label={props.channel === "email" ? "Enter the 6-digit security code" : "Enter the 6-digit code from the text message"}
          hint="For example, 123456"
          error={props.error}
          value={props.code}
        />
        {props.warningButton ? (
          <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" safe>
            {props.buttonText ?? "Continue"}
          </button>
        ) : (
          <Button text={props.buttonText ?? "Continue"} />
        )}
      </PostForm>
      <CodeNotReceived
        channel={props.channel === "email" ? "email" : "sms"}
        csrfToken={props.csrfToken}
        resendAction={props.resendAction}
        change={props.change}
      />
    </AccountPage>
  );
}

export function EmailInUsePage(props: { brand: ServiceBrand; email: string }): JSX.Element {
  return (
    <AccountPage title="This email address is already used by another account" brand={props.brand}>
      <h1 class="govuk-heading-l">This email address is already used by another account</h1>
      <p class="govuk-body">
        <strong class="govuk-!-text-break-word" safe>{props.email}</strong> is the email address of another Teacher ID account. Each
        email address can be used by one account only.
      </p>
      <p class="govuk-body">We have not changed your email address.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/account/email">
          Use a different email address
        </a>
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href="/account">
          Go back to your account
        </a>
      </p>
    </AccountPage>
  );
}

export function MobilePage(props: Common & { hasPhone: boolean; value?: string; error?: string }): JSX.Element {
  const heading = props.hasPhone ? "What is your new mobile number?" : "What is your mobile number?";
  return (
    <AccountPage title={heading} brand={props.brand} hasErrors={!!props.error} backLink="/account">
      <ErrorSummary errors={props.error ? { phone: props.error } : {}} />
      <PostForm action="/account/mobile" csrfToken={props.csrfToken}>
        <TextField
          id="phone"
          label={heading}
          labelIsHeading
          hint="We will text you a security code to check it is yours. For international numbers include the country code, like +33."
          value={props.value}
          error={props.error}
          type="tel"
          autocomplete="tel"
          widthClass="govuk-input--width-20"
        />
        <Button text="Continue" />
      </PostForm>
      {props.hasPhone ? (
        <>
          <h2 class="govuk-heading-m">Remove your mobile number</h2>
          <p class="govuk-body">If you remove it, we will only contact you by email.</p>
          <PostForm action="/account/mobile/remove" csrfToken={props.csrfToken}>
            <Button text="Remove mobile number" secondary />
          </PostForm>
        </>
      ) : (
        ""
      )}
    </AccountPage>
  );
}

export function RemoveAccessPage(props: Common & { clientId: string; serviceName: string }): JSX.Element {
  return (
    <AccountPage title="Remove access for this service?" brand={props.brand} backLink="/account">
      <h1 class="govuk-heading-l" safe>{`Remove access for ${props.serviceName}?`}</h1>
      <p class="govuk-body" safe>
        {`${props.serviceName} will no longer be able to use your Teacher ID account to get your details. You will be signed out of it, and you will need to sign in again next time you use it.`}
      </p>
      <PostForm action={`/account/services/${encodeURIComponent(props.clientId)}/remove`} csrfToken={props.csrfToken}>
        <div class="govuk-button-group">
          <Button text="Remove access" />
          <a class="govuk-link" href="/account">
            Cancel
          </a>
        </div>
      </PostForm>
    </AccountPage>
  );
}

export function SignOutEverywherePage(props: Common): JSX.Element {
  return (
    <AccountPage title="Sign out everywhere" brand={props.brand} backLink="/account">
      <h1 class="govuk-heading-l">Sign out everywhere</h1>
      <p class="govuk-body">This will:</p>
      <ul class="govuk-list govuk-list--bullet">
        <li>sign you out of Teacher ID on every computer, phone and browser, including this one</li>
        <li>sign you out of every service you signed in to with Teacher ID</li>
      </ul>
      <p class="govuk-body">You will need to sign in again with a security code sent to your email address.</p>
      <PostForm action="/account/sign-out-everywhere" csrfToken={props.csrfToken}>
        <div class="govuk-button-group">
          <Button text="Sign out everywhere" />
          <a class="govuk-link" href="/account">
            Cancel
          </a>
        </div>
      </PostForm>
    </AccountPage>
  );
}

export function SignedOutEverywherePage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <AccountPage title="You have signed out everywhere" brand={props.brand} signedIn={false}>
      <h1 class="govuk-heading-l">You have signed out everywhere</h1>
      <p class="govuk-body">You are signed out of Teacher ID on every device, and of every service you signed in to with it.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/account">
          Sign in to your Teacher ID account
        </a>
      </p>
    </AccountPage>
  );
}

export function DeletePage(props: Common & { hasTrn: boolean }): JSX.Element {
  return (
    <AccountPage title="Delete your Teacher ID account" brand={props.brand} backLink="/account">
      <h1 class="govuk-heading-l">Delete your Teacher ID account</h1>
      <p class="govuk-body">If you delete your account:</p>
      <ul class="govuk-list govuk-list--bullet">
        <li>we will delete your email address, mobile number and preferred name from Teacher ID</li>
        {props.hasTrn ? <li>your teacher reference number (TRN) will no longer be linked to a Teacher ID account</li> : ""}
        <li>you will be signed out of every service you use with Teacher ID, and will not be able to sign in again</li>
      </ul>
      <div class="govuk-inset-text">
        Your teaching record is not deleted. The Teaching Regulation Agency keeps it, with your qualified teacher status (QTS).
      </div>
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong class="govuk-warning-text__text">
          <span class="govuk-visually-hidden">Warning</span>
          You cannot undo this.
        </strong>
      </div>
      <p class="govuk-body">To check it is you, we will email a security code to the address of your account.</p>
      <PostForm action="/account/delete" csrfToken={props.csrfToken}>
        <div class="govuk-button-group">
          <Button text="Continue" />
          <a class="govuk-link" href="/account">
            Cancel
          </a>
        </div>
      </PostForm>
    </AccountPage>
  );
}

export function DeletedPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <AccountPage title="Your Teacher ID account has been deleted" brand={props.brand} signedIn={false}>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">Your Teacher ID account has been deleted</h1>
      </div>
      <p class="govuk-body">We have:</p>
      <ul class="govuk-list govuk-list--bullet">
        <li>deleted your email address, mobile number and preferred name from Teacher ID</li>
        <li>unlinked your teacher reference number (TRN) from Teacher ID</li>
        <li>signed you out of every service you used with Teacher ID</li>
      </ul>
      <p class="govuk-body">Your teaching record has not changed.</p>
      <h2 class="govuk-heading-m">If you want a Teacher ID account again</h2>
      <p class="govuk-body">
        You need a new link to create an account linked to your TRN. We will send it to the email address on your teaching
        record.
      </p>
      <HelpContact brand={props.brand} heading={false} about="that you want a new Teacher ID link" />
    </AccountPage>
  );
}
