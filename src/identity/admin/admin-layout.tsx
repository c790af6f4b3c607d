// The support console's page frame: a GOV.UK page whose service navigation names the signed-in
// staff member and their role, links to what their role may use, and signs out. Every value is
// escaped (`safe`); titles never carry an email address.
import type { Children } from "@kitajs/html";
import { ErrorSummary, Page, type ServiceBrand } from "../../web/layout";
import { Button, ErrorMessage, PostForm } from "../journey/components";
import type { StaffMember } from "./staff-guard";
import { SuccessBanner } from "../../web/banners";

export const consoleBrand = (brand: ServiceBrand): ServiceBrand => ({ name: "Teacher ID support", url: `${brand.url}/admin` });

export function consoleNavigation(member: StaffMember | null): { text: string; href: string }[] {
  if (!member) return [];
  const items = [
    { text: "Find a teacher", href: "/admin" },
    { text: "Cases", href: "/admin/cases" },
    { text: "Send a new link", href: "/admin/new-link" },
  ];
  if (member.role === "admin") {
    items.push({ text: "Clients", href: "/admin/clients" }, { text: "Webhooks", href: "/admin/webhooks" }, { text: "Staff", href: "/admin/staff" }, { text: "Signing keys", href: "/admin/keys" });
  }
  items.push({ text: "Sign out", href: "/admin/sign-out" });
  return items;
}

export function ConsolePage(props: {
  title: string;
  brand: ServiceBrand;
  member: StaffMember | null;
  hasErrors?: boolean;
  backLink?: string;
  wide?: boolean;
  children?: Children;
}): JSX.Element {
  const content = props.wide ? props.children : (
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">{props.children as "safe"}</div>
    </div>
  );
  return (
    <Page title={props.title} brand={consoleBrand(props.brand)} hasErrors={props.hasErrors} backLink={props.backLink} navigation={consoleNavigation(props.member)}>
      {props.member ? (
        <p class="govuk-body-s" id="signed-in-as">
          Signed in as <strong safe>{props.member.email}</strong> <span safe>{`(${props.member.role})`}</span>
        </p>
      ) : (
        ""
      )}
      {content as "safe"}
    </Page>
  );
}

export { SuccessBanner };

/** The reason every action takes: it goes into the audit event. */
export function ReasonField(props: { value?: string; error?: string }): JSX.Element {
  return (
    <div class={props.error ? "govuk-form-group govuk-form-group--error" : "govuk-form-group"}>
      <label class="govuk-label govuk-label--s" for="reason">
        Reason
      </label>
      <div id="reason-hint" class="govuk-hint">
        Why you are doing this, for the audit log (for example, the support ticket number)
      </div>
      <ErrorMessage id="reason" message={props.error} />
      <textarea
        class={props.error ? "govuk-textarea govuk-textarea--error" : "govuk-textarea"}
        id="reason"
        name="reason"
        rows="3"
        aria-describedby={props.error ? "reason-hint reason-error" : "reason-hint"}
        safe
      >
        {props.value ?? ""}
      </textarea>
    </div>
  );
}

/**
 * An action's confirmation: what exactly will change (a summary list), the reason, and the button.
 * `hidden` carries the action's answers from the form before it.
 */
export function ConfirmPage(props: {
  brand: ServiceBrand;
  member: StaffMember;
  csrfToken: string;
  title: string;
  action: string;
  whatWillChange: [string, string][];
  warning?: string;
  hidden?: Record<string, string>;
  button: string;
  reason?: string;
  error?: string;
  backLink: string;
  warningButton?: boolean;
}): JSX.Element {
  return (
    <ConsolePage title={props.title} brand={props.brand} member={props.member} hasErrors={Boolean(props.error)} backLink={props.backLink}>
      <ErrorSummary errors={props.error ? { reason: props.error } : {}} />
      <h1 class="govuk-heading-l" safe>
        {props.title}
      </h1>
      <p class="govuk-body">This will change:</p>
      <dl class="govuk-summary-list">
        {props.whatWillChange.map(([key, value]) => (
          <div class="govuk-summary-list__row">
            <dt class="govuk-summary-list__key" safe>
              {key}
            </dt>
            <dd class="govuk-summary-list__value" safe>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {props.warning ? (
        <div class="govuk-warning-text">
          <span class="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <strong class="govuk-warning-text__text">
            <span class="govuk-visually-hidden">Warning</span> <span safe>{props.warning}</span>
          </strong>
        </div>
      ) : (
        ""
      )}
      <PostForm action={props.action} csrfToken={props.csrfToken}>
        {Object.entries(props.hidden ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value="yes" />
        <ReasonField value={props.reason} error={props.error} />
        <button type="submit" class={props.warningButton ? "govuk-button govuk-button--warning" : "govuk-button"} data-module="govuk-button" safe>
          {props.button}
        </button>
      </PostForm>
    </ConsolePage>
  );
}

export function ForbiddenPage(props: { brand: ServiceBrand; member: StaffMember | null; message: string }): JSX.Element {
  return (
    <ConsolePage title="You cannot do this" brand={props.brand} member={props.member}>
      <h1 class="govuk-heading-l">You cannot do this</h1>
      <p class="govuk-body" safe>
        {props.message}
      </p>
    </ConsolePage>
  );
}

export function SignOutPage(props: { brand: ServiceBrand; member: StaffMember; csrfToken: string }): JSX.Element {
  return (
    <ConsolePage title="Sign out of Teacher ID support" brand={props.brand} member={props.member}>
      <h1 class="govuk-heading-l">Sign out of Teacher ID support</h1>
      <PostForm action="/admin/sign-out" csrfToken={props.csrfToken}>
        <Button text="Sign out" />
      </PostForm>
    </ConsolePage>
  );
}

export const reasonMissing = "Enter the reason for this change";
/** The reason, trimmed, or an error: 3 to 500 characters. */
export function parseReason(value: string | undefined): { ok: true; value: string } | { ok: false; message: string } {
  const reason = (value ?? "").trim();
  if (reason === "") return { ok: false, message: reasonMissing };
  if (reason.length < 3) return { ok: false, message: "The reason must be 3 characters or more" };
  if (reason.length > 500) return { ok: false, message: "The reason must be 500 characters or fewer" };
  return { ok: true, value: reason };
}
