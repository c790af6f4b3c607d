// The support operations' pages (GOV.UK Design System). Each says exactly what will change, takes a
// reason, and shows its errors in an error summary. Children are not escaped: values are `safe`.
import type { Children } from "@kitajs/html";
import { ukTime } from "../../mail/time-in-words";
import { CsrfField, ErrorSummary, type ServiceBrand } from "../../web/layout";
import { ConsolePage, SuccessBanner } from "../admin/admin-layout";
import type { StaffMember } from "./staff";
import type { Account } from "../accounts/accounts";
import type { ChangeRequestDetail } from "./records-support-client";
import { requestedText } from "./teacher-record-summary";

export type Errors = Record<string, string>;

interface Common {
  brand: ServiceBrand;
  /** Who is signed in (the console's header names them). */
  member: StaffMember | null;
  csrfToken: string;
  errors?: Errors;
  values?: Record<string, string>;
  done?: string;
}

/** The console's page frame (its header names the staff member and links to what they may use). */
function SupportPage(props: { brand: ServiceBrand; member: StaffMember | null; title: string; errors?: Errors; done?: string; children?: Children }): JSX.Element {
  const hasErrors = !!props.errors && Object.keys(props.errors).length > 0;
  return (
    <ConsolePage title={props.title} brand={props.brand} member={props.member} hasErrors={hasErrors} wide>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {props.done ? <SuccessBanner heading={props.done} /> : ""}
          <ErrorSummary errors={props.errors ?? {}} />
          {props.children}
        </div>
      </div>
    </ConsolePage>
  );
}

function FieldError(props: { id: string; errors?: Errors }): JSX.Element {
  const message = props.errors?.[props.id];
  return message ? (
    <p id={`${props.id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">Error:</span> <span safe>{message}</span>
    </p>
  ) : (
    ""
  );
}

function TextField(props: { id: string; label: string; hint?: string; value?: string; errors?: Errors; type?: string; autocomplete?: string; width?: string }): JSX.Element {
  const error = props.errors?.[props.id];
  const describedBy = [props.hint ? `${props.id}-hint` : "", error ? `${props.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <label class="govuk-label govuk-label--s" for={props.id} safe>
        {props.label}
      </label>
      {props.hint ? (
        <div id={`${props.id}-hint`} class="govuk-hint" safe>
          {props.hint}
        </div>
      ) : (
        ""
      )}
      <FieldError id={props.id} errors={props.errors} />
      <input
        class={`govuk-input${props.width ? ` ${props.width}` : ""}${error ? " govuk-input--error" : ""}`}
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        spellcheck="false"
        autocomplete={props.autocomplete ?? "off"}
        aria-describedby={describedBy || undefined}
      />
    </div>
  );
}

/** The reason every action takes: it goes into the audit log with the staff member's id. */
export function ReasonField(props: { value?: string; errors?: Errors; hint?: string }): JSX.Element {
  const error = props.errors?.reason;
  return (
    <div class={`govuk-form-group${error ? " govuk-form-group--error" : ""}`}>
      <label class="govuk-label govuk-label--s" for="reason">
        Reason
      </label>
      <div id="reason-hint" class="govuk-hint" safe>
        {props.hint ?? "Why you are doing this, for the audit log (for example the support ticket and how you checked who you were talking to)."}
      </div>
      <FieldError id="reason" errors={props.errors} />
      <textarea class={`govuk-textarea${error ? " govuk-textarea--error" : ""}`} id="reason" name="reason" rows="3" aria-describedby={`reason-hint${error ? " reason-error" : ""}`} safe>
        {props.value ?? ""}
      </textarea>
    </div>
  );
}

export function AccountSummary(props: { account: Account; caption?: string }): JSX.Element {
  const { account } = props;
  const rows: [string, string][] = [
    ["Email address", account.email],
    ["Name", [account.givenName, account.familyName].filter(Boolean).join(" ") || "Not given"],
    ["TRN", account.trn ?? "None"],
    ["Account id (sub)", account.id],
    ["Created", ukTime(new Date(account.createdAt), { date: true })],
  ];
  return (
    <dl class="govuk-summary-list">
      {rows.map(([key, value]) => (
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{key}</dt>
          <dd class="govuk-summary-list__value" safe>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

// ---------------------------------------------------------------------------------------------
// Assign or remove a TRN.

export function TrnPage(props: Common & { account: Account }): JSX.Element {
  const { account } = props;
  const action = `/admin/teachers/${encodeURIComponent(account.id)}/trn`;
  if (account.trn === null) {
    return (
      <SupportPage brand={props.brand} member={props.member} title="Assign a TRN" errors={props.errors} done={props.done}>
        <h1 class="govuk-heading-l">Assign a TRN</h1>
        <AccountSummary account={account} />
        <h2 class="govuk-heading-m">What will change</h2>
        <p class="govuk-body">
          The TRN you enter will be linked to the account for <strong safe>{account.email}</strong>. The teacher will then see
          that teaching record in services that use Teacher ID, and the services told about accounts (including the teaching
          record) will be told.
        </p>
        <p class="govuk-body">We check the TRN with the teaching record first. If no record has it, or another account holds it, nothing changes.</p>
        <form method="post" action={action} novalidate>
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="action" value="assign" />
          <TextField id="trn" label="TRN" hint="7 digits, for example 1234567" value={props.values?.trn} errors={props.errors} width="govuk-input--width-10" />
          <ReasonField value={props.values?.reason} errors={props.errors} />
          <button type="submit" class="govuk-button" data-module="govuk-button">
            Assign this TRN
          </button>
        </form>
      </SupportPage>
    );
  }
  return (
    <SupportPage brand={props.brand} member={props.member} title="Remove the TRN" errors={props.errors} done={props.done}>
      <h1 class="govuk-heading-l">Remove the TRN</h1>
      <AccountSummary account={account} />
      <h2 class="govuk-heading-m">What will change</h2>
      <p class="govuk-body">
        TRN <strong safe>{account.trn}</strong> will no longer be linked to the account for <strong safe>{account.email}</strong>.
        The account stays, but the teacher will not see a teaching record until a TRN is linked again. The TRN can then be
        linked to another account.
      </p>
      <form method="post" action={action} novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="action" value="remove" />
        <input type="hidden" name="trn" value={account.trn} />
        <ReasonField value={props.values?.reason} errors={props.errors} />
        <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">
          Remove this TRN
        </button>
      </form>
    </SupportPage>
  );
}

// ---------------------------------------------------------------------------------------------
// Send a new link to a corrected email address.

export function NewLinkPage(props: Common & { account?: Account; linkLifetime: string }): JSX.Element {
  const { account } = props;
  return (
    <SupportPage brand={props.brand} member={props.member} title="Send a new link to create an account" errors={props.errors} done={props.done}>
      <h1 class="govuk-heading-l">Send a new link to create an account</h1>
      {account ? <AccountSummary account={account} /> : ""}
      <h2 class="govuk-heading-m">What will change</h2>
      <p class="govuk-body">
        We will email a new link to create a Teacher ID account to the email address you enter. The account it creates will be
        linked to the TRN you enter. The link works for <span safe>{props.linkLifetime}</span> and can create one account; if
        the address already has an account, the link signs the teacher in to it and links the TRN.
      </p>
      <p class="govuk-body">
        We check the TRN with the teaching record first. Nothing is sent if no record has it, or if another account holds it.
        The email address on the teaching record does not change.
      </p>
      <form method="post" action="/admin/new-link" novalidate>
        <CsrfField token={props.csrfToken} />
        {account ? <input type="hidden" name="sub" value={account.id} /> : ""}
        <TextField id="trn" label="TRN" hint="7 digits, for example 1234567" value={props.values?.trn ?? account?.trn ?? ""} errors={props.errors} width="govuk-input--width-10" />
        <TextField id="email" label="Email address to send the link to" type="email" value={props.values?.email} errors={props.errors} />
        <ReasonField value={props.values?.reason} errors={props.errors} />
        <button type="submit" class="govuk-button" data-module="govuk-button">
          Send the link
        </button>
      </form>
    </SupportPage>
  );
}

// ---------------------------------------------------------------------------------------------
// Merge two accounts.

export function MergePage(props: Common & { survivor?: Account; merged?: Account }): JSX.Element {
  const { survivor, merged } = props;
  return (
    <SupportPage brand={props.brand} member={props.member} title="Merge two accounts" errors={props.errors} done={props.done}>
      <h1 class="govuk-heading-l">Merge two accounts</h1>
      {survivor && merged ? (
        <>
          <h2 class="govuk-heading-m">The account that stays</h2>
          <AccountSummary account={survivor} />
          <h2 class="govuk-heading-m">The account that will be merged into it</h2>
          <AccountSummary account={merged} />
          <h2 class="govuk-heading-m">What will change</h2>
          <ul class="govuk-list govuk-list--bullet">
            {merged.trn !== null && survivor.trn === null ? (
              <li>
                TRN <span safe>{merged.trn}</span> moves to the account for <span safe>{survivor.email}</span>.
              </li>
            ) : (
              ""
            )}
            <li>
              The account for <span safe>{merged.email}</span> is removed: it is signed out everywhere and every service loses
              access to it. Its id is never used again.
            </li>
            <li>
              Services are told it was merged into the account for <span safe>{survivor.email}</span>.
            </li>
            <li>
              Signing in with <span safe>{merged.email}</span> will send an email saying the account was merged and which address
              to sign in with.
            </li>
          </ul>
        </>
      ) : (
        <p class="govuk-body">
          Enter the ids (sub) of the account that stays and of the account to merge into it. Two accounts with different TRNs
          cannot be merged.
        </p>
      )}
      <form method="post" action="/admin/merge" novalidate>
        <CsrfField token={props.csrfToken} />
        <TextField id="survivor" label="Account that stays (sub)" value={props.values?.survivor ?? survivor?.id} errors={props.errors} />
        <TextField id="merged" label="Account to merge into it (sub)" value={props.values?.merged ?? merged?.id} errors={props.errors} />
        <ReasonField value={props.values?.reason} errors={props.errors} />
        <button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">
          Merge the accounts
        </button>
      </form>
    </SupportPage>
  );
}

// ---------------------------------------------------------------------------------------------
// A change request.

const detailWords = { name: "name", dateOfBirth: "date of birth" } as const;
const statusWords = { open: "Open", approved: "Approved", rejected: "Rejected" } as const;

function currentText(detail: ChangeRequestDetail): string {
  const { current } = detail;
  return detail.type === "dateOfBirth" ? (current.dateOfBirth ?? "Not known") : [current.firstName, current.middleName, current.lastName].filter(Boolean).join(" ");
}

export function ChangeRequestPage(props: Common & { detail: ChangeRequestDetail }): JSX.Element {
  const { detail } = props;
  const words = detailWords[detail.type];
  const path = `/admin/change-requests/${encodeURIComponent(detail.caseReference)}`;
  const rows: [string, string][] = [
    ["Status", statusWords[detail.status]],
    ["TRN", detail.trn],
    [`Current ${words}`, currentText(detail)],
    [`Requested ${words}`, requestedText(detail.requested)],
    ["Asked", ukTime(new Date(detail.createdUtc), { date: true })],
    ["Evidence", `${detail.evidence.fileName} (${detail.evidence.mediaType}, ${Math.ceil(detail.evidence.size / 1024)} KB)`],
  ];
  if (detail.status !== "open") {
    rows.push(["Decided", detail.closedUtc ? ukTime(new Date(detail.closedUtc), { date: true }) : ""], ["Decided by", detail.decidedBy ?? ""], ["Reason", detail.decisionReason ?? ""]);
  }
  const decision = props.values?.decision;
  const decisionError = props.errors?.decision;
  return (
    <SupportPage brand={props.brand} member={props.member} title={`Change request ${detail.caseReference}`} errors={props.errors} done={props.done}>
      <span class="govuk-caption-l">Change request</span>
      <h1 class="govuk-heading-l" safe>
        {detail.caseReference}
      </h1>
      <dl class="govuk-summary-list">
        {rows.map(([key, value]) => (
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
      <p class="govuk-body">
        <a class="govuk-link" href={`${path}/evidence`} download="">
          Download the evidence
        </a>{" "}
        (it downloads as a file; open it on your device to check it).
      </p>
      {detail.status === "open" ? (
        <>
          <h2 class="govuk-heading-m">What will change</h2>
          <ul class="govuk-list govuk-list--bullet">
            <li>
              <strong>Approve</strong>: the {words} on the teaching record changes from <span safe>{currentText(detail)}</span> to{" "}
              <span safe>{requestedText(detail.requested)}</span>, and we email the teacher to say so.
            </li>
            <li>
              <strong>Reject</strong>: the teaching record stays as it is, and we email the teacher your reason.
            </li>
          </ul>
          <form method="post" action={path} novalidate>
            <CsrfField token={props.csrfToken} />
            <div class={`govuk-form-group${decisionError ? " govuk-form-group--error" : ""}`}>
              <fieldset class="govuk-fieldset" aria-describedby={decisionError ? "decision-error" : undefined}>
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Your decision</legend>
                <FieldError id="decision" errors={props.errors} />
                <div class="govuk-radios" data-module="govuk-radios">
                  <div class="govuk-radios__item">
                    <input class="govuk-radios__input" id="decision" name="decision" type="radio" value="approve" checked={decision === "approve"} />
                    <label class="govuk-label govuk-radios__label" for="decision">
                      Approve
                    </label>
                  </div>
                  <div class="govuk-radios__item">
                    <input class="govuk-radios__input" id="decision-reject" name="decision" type="radio" value="reject" checked={decision === "reject"} />
                    <label class="govuk-label govuk-radios__label" for="decision-reject">
                      Reject
                    </label>
                  </div>
                </div>
              </fieldset>
            </div>
            <ReasonField value={props.values?.reason} errors={props.errors} hint="Why. If you reject the request, the teacher is sent this reason." />
            <button type="submit" class="govuk-button" data-module="govuk-button">
              Confirm decision
            </button>
          </form>
        </>
      ) : (
        ""
      )}
    </SupportPage>
  );
}

/** A page for what cannot be shown: no such account or request, records unavailable, not staff. */
export function SupportMessagePage(props: { brand: ServiceBrand; member?: StaffMember | null; title: string; message: string }): JSX.Element {
  return (
    <SupportPage brand={props.brand} member={props.member ?? null} title={props.title}>
      <h1 class="govuk-heading-l" safe>
        {props.title}
      </h1>
      <p class="govuk-body" safe>
        {props.message}
      </p>
    </SupportPage>
  );
}
