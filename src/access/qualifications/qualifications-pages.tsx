// The qualifications page: GOV.UK summary cards for QTS, initial teacher training, induction and
// the teacher's details. Every value from records is rendered `safe` (escaped).
import { CsrfField, Page, type ServiceBrand } from "../../web/layout";
import { HelpContact } from "../../web/support";
import { signedInNavigation } from "../context";
import { formatDate, formatUkDate, fullName, humanise } from "../display/format";
import type { InitialTeacherTraining, PendingDetailChange, Qualification, TeacherRecord } from "./records-client";

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

/** Bytes of each kind of certificate PDF, as the download links state them (src/access/certificates/certificate-size.ts). */
export type CertificateSizes = Record<"qts" | "eyts" | "induction" | "npq", number>;

/** "PDF, about 24 KB": the size is the last one rendered, so "about". */
function pdfSize(bytes: number): string {
  return `PDF, about ${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A certificate download: a link styled as a button (GOV.UK), with the file's type and size. */
interface Download {
  href: string;
  text: string;
  bytes: number;
}

function Card(props: { title: string; download?: Download; children: JSX.Element | JSX.Element[] }): JSX.Element {
  return (
    <div class="govuk-summary-card">
      <div class="govuk-summary-card__title-wrapper">
        <h2 class="govuk-summary-card__title" safe>
          {props.title}
        </h2>
      </div>
      <div class="govuk-summary-card__content">
        <dl class="govuk-summary-list">{props.children as "safe"}</dl>
        {props.download ? (
          <a
            href={props.download.href}
            role="button"
            draggable="false"
            class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-top-4"
            data-module="govuk-button"
            safe
          >
            {`${props.download.text} (${pdfSize(props.download.bytes)})`}
          </a>
        ) : (
          ""
        )}
      </div>
    </div>
  );
}

/** A detail the teacher may ask to correct, with the open requests to change it. */
function DetailRow(props: { label: string; value: string; pending: PendingDetailChange[]; note?: string }): JSX.Element {
  return (
    <div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key" safe>
        {props.label}
      </dt>
      <dd class="govuk-summary-list__value">
        <span safe>{props.value}</span>
        {props.note ? (
          <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" safe>
            {props.note}
          </p>
        ) : (
          ""
        )}
        {props.pending.map((change) => (
          <p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" safe>
            {`Change requested on ${formatUkDate(change.createdUtc)} (case reference ${change.caseReference})`}
          </p>
        ))}
      </dd>
    </div>
  );
}

/** Said once, under the cards, when any row says "Not known". */
function NotKnownNote(): JSX.Element {
  return (
    <p class="govuk-body" id="not-known">
      “Not known” means your teaching record does not include that detail. It does not change your qualifications or
      certificates. If you think something is missing, get help using the link at the bottom of this page.
    </p>
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

/** Where each certificate is downloaded (src/access/certificates/). */
export const certificatePath = "/qualifications/certificates/qts";
export const certificatePaths = {
  qts: "/qualifications/certificates/qts",
  eyts: "/qualifications/certificates/eyts",
  induction: "/qualifications/certificates/induction",
  npq: (id: number) => `/qualifications/certificates/npq/${id}`,
  /** POST: stop a downloaded certificate's check link working. */
  stop: (id: number) => `/qualifications/certificates/${id}/stop`,
} as const;

/** A certificate the teacher downloaded whose check link still works. */
export interface DownloadedCertificate {
  id: number;
  qualificationName: string;
  awardedDate: string;
  downloadedUtc: string;
}

function QualificationCard(props: { title: string; q: Qualification; certificate?: string; bytes: number }): JSX.Element {
  const { q } = props;
  return (
    <Card title={props.title} download={props.certificate ? { href: props.certificate, text: "Download certificate", bytes: props.bytes } : undefined}>
      <Row label="Qualification" value={q.name} />
      {q.providerName ? <Row label="Provider" value={q.providerName} /> : ""}
      <Row label="Status" value={q.status ? humanise(q.status) : notKnown} />
      {q.startDate ? <Row label="Start date" value={formatDate(q.startDate)} /> : ""}
      {q.status === "Passed" ? <Row label="Date awarded" value={date(q.awardedDate)} /> : ""}
    </Card>
  );
}

function CertificatesList(props: { certificates: DownloadedCertificate[]; csrfToken: string }): JSX.Element {
  if (props.certificates.length === 0) return "";
  return (
    <>
      <h2 class="govuk-heading-m">Certificates you have downloaded</h2>
      <p class="govuk-body">
        Anyone you give a certificate to can check it with the link or QR code printed on it. If you no longer want a
        certificate to be checked, stop its link working. Downloading the certificate again gives it a new link.
      </p>
      <table class="govuk-table">
        <caption class="govuk-table__caption govuk-visually-hidden">Certificates whose check links work</caption>
        <thead class="govuk-table__head">
          <tr class="govuk-table__row">
            <th scope="col" class="govuk-table__header">Certificate</th>
            <th scope="col" class="govuk-table__header">Downloaded</th>
            <th scope="col" class="govuk-table__header">
              <span class="govuk-visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody class="govuk-table__body">
          {props.certificates.map((c) => (
            <tr class="govuk-table__row">
              <td class="govuk-table__cell" safe>
                {c.qualificationName}
              </td>
              <td class="govuk-table__cell" safe>
                {formatUkDate(c.downloadedUtc)}
              </td>
              <td class="govuk-table__cell">
                <form method="post" action={certificatePaths.stop(c.id)} novalidate>
                  <CsrfField token={props.csrfToken} />
                  <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">
                    Stop this link working<span class="govuk-visually-hidden" safe>{` for the ${c.qualificationName} certificate downloaded on ${formatUkDate(c.downloadedUtc)}`}</span>
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Induction's dates, shown where its status has them. */
function InductionCard(props: { teacher: TeacherRecord; bytes: number }): JSX.Element {
  const status = props.teacher.induction?.status ?? props.teacher.inductionStatus ?? null;
  const started = status === "InProgress" || status === "Passed" || status === "Failed";
  const finished = status === "Passed" || status === "Failed";
  return (
    <Card
      title="Induction"
      download={
        status === "Passed" && props.teacher.induction?.completedDate
          ? { href: certificatePaths.induction, text: "Download induction certificate", bytes: props.bytes }
          : undefined
      }
    >
      <Row label="Status" value={status ? humanise(status) : notKnown} />
      {started ? <Row label="Start date" value={date(props.teacher.induction?.startDate)} /> : ""}
      {finished ? <Row label="Date completed" value={date(props.teacher.induction?.completedDate)} /> : ""}
    </Card>
  );
}

export function QualificationsPage(props: {
  brand: ServiceBrand;
  teacher: TeacherRecord;
  certificates?: DownloadedCertificate[];
  /** What each download link states (certificates/certificate-size.ts). */
  certificateSizes: CertificateSizes;
  csrfToken?: string;
  notice?: string;
  /** What the teacher asked to be called: the greeting. The official name stays in "Your details" and on certificates. */
  preferredName?: string;
}): JSX.Element {
  const { teacher } = props;
  const sizes = props.certificateSizes;
  const name = fullName(teacher);
  const pending = (type: string) => (teacher.pendingDetailChanges ?? []).filter((change) => change.type === type);
  // DfE's order: the statuses (QTS, EYTS), induction, training, then further qualifications.
  const cards = (
    <>
      <Card
        title="Qualified teacher status (QTS)"
        download={teacher.qtsDate ? { href: certificatePaths.qts, text: "Download QTS certificate", bytes: sizes.qts } : undefined}
      >
        <Row label="Date awarded" value={teacher.qtsDate ? formatDate(teacher.qtsDate) : "Not awarded"} />
        {teacher.qtsDate ? <Row label="Route" value={teacher.qtsRoute ? humanise(teacher.qtsRoute) : notKnown} /> : ""}
      </Card>
      {teacher.qtsDate ? "" : <p class="govuk-body">When you are awarded QTS, you will be able to download your certificate here.</p>}
      {teacher.eytsDate ? (
        <Card title="Early years teacher status (EYTS)" download={{ href: certificatePaths.eyts, text: "Download EYTS certificate", bytes: sizes.eyts }}>
          <Row label="Date awarded" value={formatDate(teacher.eytsDate)} />
        </Card>
      ) : (
        ""
      )}
      <InductionCard teacher={teacher} bytes={sizes.induction} />
      {(teacher.initialTeacherTraining ?? []).map((itt) => (
        <IttCard itt={itt} />
      ))}
      {(teacher.npqs ?? []).map((npq) => (
        <QualificationCard
          title="National professional qualification (NPQ)"
          q={npq}
          certificate={npq.status === "Passed" && npq.awardedDate ? certificatePaths.npq(npq.id) : undefined}
          bytes={sizes.npq}
        />
      ))}
      {(teacher.mandatoryQualifications ?? []).map((mq) => (
        <QualificationCard title="Mandatory qualification (MQ)" q={mq} bytes={0} />
      ))}
    </>
  );
  return (
    <Page title="Your teaching qualifications" brand={props.brand} navigation={signedInNavigation}>
      {props.notice ? (
        <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="notice-title" data-module="govuk-notification-banner">
          <div class="govuk-notification-banner__header">
            <h2 class="govuk-notification-banner__title" id="notice-title">
              Success
            </h2>
          </div>
          <div class="govuk-notification-banner__content">
            <p class="govuk-notification-banner__heading" safe>
              {props.notice}
            </p>
          </div>
        </div>
      ) : (
        ""
      )}
      <span class="govuk-caption-l" safe>
        {props.preferredName ?? name}
      </span>
      <h1 class="govuk-heading-l">Your teaching qualifications</h1>
      {cards as "safe"}
      {(cards as string).includes(notKnown) ? <NotKnownNote /> : ""}
      <CertificatesList certificates={props.certificates ?? []} csrfToken={props.csrfToken ?? ""} />
      <h2 class="govuk-heading-m">Your details</h2>
      <dl class="govuk-summary-list">
        <DetailRow label="Name" value={name || notKnown} pending={pending("name")} />
        <DetailRow
          label="Date of birth"
          value={date(teacher.dateOfBirth)}
          pending={pending("dateOfBirth")}
          // The teacher's own answer when registering (the record had none): records has not checked it.
          note={teacher.dateOfBirth && teacher.dateOfBirthProvenance === "teacher" ? "Given by you, not yet checked" : undefined}
        />
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
      <HelpContact brand={props.brand} about="that we could not find your teaching record" />
    </Page>
  );
}

/**
 * The account has no TRN yet and a support case is looking for the record (identity's
 * trn_lookup_status "Pending", with trn_lookup_case): said instead of qualifications.
 */
export function LookingForRecordPage(props: { brand: ServiceBrand; caseReference: string | null }): JSX.Element {
  return (
    <Page title="We are looking for your teaching record" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">We are looking for your teaching record</h1>
      <p class="govuk-body" safe>
        {props.caseReference
          ? `We are looking for your record (case reference ${props.caseReference}).`
          : "We are looking for your record."}
      </p>
      <p class="govuk-body">
        We could not find it from the details you gave when you created your account, so someone from our team is looking for it. We
        will email you when we have found it. Your qualifications will show here after that: sign in again to see them.
      </p>
    </Page>
  );
}

/** `title`: e.g. "You do not have an induction certificate" (a QTS one by default). */
export function NoCertificatePage(props: { brand: ServiceBrand; title?: string }): JSX.Element {
  const title = props.title ?? "You do not have a QTS certificate";
  return (
    <Page title={title} brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l" safe>
        {title}
      </h1>
      <p class="govuk-body">Your teaching record does not show this qualification as awarded, so there is no certificate for it.</p>
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
      <HelpContact brand={props.brand} about="that there is more than one teaching record with your TRN" />
    </Page>
  );
}
