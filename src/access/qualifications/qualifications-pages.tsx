// The qualifications page: GOV.UK summary cards for QTS, initial teacher training, induction and
// the teacher's details. Every value from records is rendered `safe` (escaped).
import { Page, type ServiceBrand } from "../../web/layout";
import { signedInNavigation } from "../context";
import { formatDate, formatUkDate, fullName, humanise } from "../display/format";
import type { InitialTeacherTraining, PendingDetailChange, TeacherRecord } from "./records-client";

function Row(props: { label: string; value: string }): JSX.Element {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {props.label}
      </dt>
      <dd class="govuk-summary-list__value" safe>
        {props.value}
      </dd>
    </div>
  );
}

function Card(props: { title: string; action?: { href: string; text: string }; children: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <div class="govuk-summary-card">
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title" safe>
          {props.title}
        </h2>
        {props.action ? (
          <ul class="govuk-summary-card__actions">
            <li class="govuk-summary-card__action">
              <a class="govuk-link" href={props.action.href} safe>
                {props.action.text}
              </a>
            </li>
          </ul>
        ) : (
          ""
        )}
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">{props.children as "safe"}</dl>
      </div>
    </div>
  );
}

/** A detail the teacher may ask to correct, with the open requests to change it. */
function DetailRow(props: { label: string; value: string; pending: PendingDetailChange[] }): JSX.Element {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {props.label}
      </dt>
      <dd class="govuk-summary-list__value">
        <span safe>{props.value}</span>
        {props.pending.map((change) => (
          <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" safe>
            {`Change requested on ${formatUkDate(change.createdUtc)} (case reference ${change.caseReference})`}
          </p>
        ))}
      </dd>
    </div>
  );
}

/** Where "Request a change" leads (src/access/change-requests/). */
export const changeRequestsPath = "/change-requests";

const notKnown = "Not known";
const date = (value: string | null | undefined) => (value ? formatDate(value) : notKnown);

function ageRange(itt: InitialTeacherTraining): string {
  const { ageRangeFrom: from, ageRangeTo: to } = itt;
  if (from != null && to != null) return `${from} to ${to} years`;
  if (from != null) return `From ${from} years`;
  if (to != null) return `Up to ${to} years`;
  return notKnown;
}

function IttCard(props: { itt: InitialTeacherTraining }): JSX.Element {
  const { itt } = props;
  const subjects = (itt.subjects ?? []).filter(Boolean);
  return (
    <Card title="Initial teacher training (ITT)">
      <Row label="Training provider" value={itt.providerName ?? itt.providerUkprn ?? notKnown} />
      <Row label="Programme type" value={itt.programmeType ? humanise(itt.programmeType) : notKnown} />
      <Row label={subjects.length === 1 ? "Subject" : "Subjects"} value={subjects.length ? subjects.join(", ") : notKnown} />
      <Row label="Age range" value={ageRange(itt)} />
      <Row label="Start date" value={date(itt.startDate)} />
      <Row label="End date" value={date(itt.endDate)} />
      <Row label="Result" value={itt.result ? humanise(itt.result) : "No result yet"} />
    </Card>
  );
}

export const certificatePath = "/qualifications/certificates/qts";

export function QualificationsPage(props: { brand: ServiceBrand; teacher: TeacherRecord }): JSX.Element {
  const { teacher } = props;
  const name = fullName(teacher);
  const pending = (type: string) => (teacher.pendingDetailChanges ?? []).filter((change) => change.type === type);
  return (
    <Page title="Your teaching qualifications" brand={props.brand} navigation={signedInNavigation}>
      <span class="govuk-caption-l" safe>
        {name}
      </span>
      <h1 class="govuk-heading-l">Your teaching qualifications</h1>
      <Card
        title="Qualified teacher status (QTS)"
        action={teacher.qtsDate ? { href: certificatePath, text: "Download QTS certificate" } : undefined}
      >
        <Row label="Date awarded" value={teacher.qtsDate ? formatDate(teacher.qtsDate) : "Not awarded"} />
      </Card>
      {teacher.qtsDate ? "" : <p class="govuk-body">When you are awarded QTS, you will be able to download your certificate here.</p>}
      {(teacher.initialTeacherTraining ?? []).map((itt) => (
        <IttCard itt={itt} />
      ))}
      <Card title="Induction">
        <Row label="Status" value={teacher.inductionStatus ? humanise(teacher.inductionStatus) : notKnown} />
      </Card>
      <h2 class="govuk-heading-m">Your details</h2>
      <dl class="govuk-summary-list">
        <DetailRow label="Name" value={name || notKnown} pending={pending("name")} />
        <DetailRow label="Date of birth" value={date(teacher.dateOfBirth)} pending={pending("dateOfBirth")} />
        <Row label="Teacher reference number (TRN)" value={teacher.trn} />
      </dl>
      <p class="govuk-body">
        Your details are wrong?{" "}
        <a class="govuk-link" href={changeRequestsPath}>
          Request a change
        </a>
      </p>
    </Page>
  );
}

export function RecordsUnavailablePage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Sorry, we cannot show your qualifications at the moment" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">Sorry, we cannot show your qualifications at the moment</h1>
      <p class="govuk-body">Try again in a few minutes.</p>
      <p class="govuk-body">You are still signed in.</p>
    </Page>
  );
}

export function NoRecordPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="We could not find your teaching record" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">We could not find your teaching record</h1>
      <p class="govuk-body">Your Teacher ID account is not linked to a teaching record, so there are no qualifications to show.</p>
      <p class="govuk-body">
        If you have been awarded qualified teacher status, use the link in the email we sent you to link your account.
      </p>
    </Page>
  );
}

export function NoCertificatePage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="You do not have a QTS certificate" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">You do not have a QTS certificate</h1>
      <p class="govuk-body">Your teaching record does not show that you have been awarded qualified teacher status (QTS).</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/qualifications">
          Go to your qualifications
        </a>
      </p>
    </Page>
  );
}

export function AmbiguousRecordPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="We cannot show your teaching record" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">We cannot show your teaching record</h1>
      <p class="govuk-body">
        There is more than one teaching record with your teacher reference number (TRN). We need to correct this before we
        can show your qualifications.
      </p>
      <p class="govuk-body">This is a problem with our records, not with your Teacher ID account.</p>
    </Page>
  );
}
