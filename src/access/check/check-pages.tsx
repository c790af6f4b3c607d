// The public pages an employer sees at /check/{code}: what the certificate says, and whether it
// still stands. No date of birth, no email, and only the last 3 digits of the TRN.
import { Page, type ServiceBrand } from "../../web/layout";
import { formatDate } from "../display/format";

export type CertificateStanding = "valid" | "withdrawn" | "ended" | "unknown";

export interface CheckedCertificate {
  holderName: string;
  qualificationName: string;
  awardedDate: string;
  trnEnding: string;
  issuer: string;
}

const tags: Record<Exclude<CertificateStanding, "unknown">, { text: string; colour: string }> = {
  valid: { text: "Valid", colour: "govuk-tag--green" },
  withdrawn: { text: "Withdrawn", colour: "govuk-tag--red" },
  ended: { text: "Link stopped", colour: "govuk-tag--grey" },
};

export function CheckPage(props: { brand: ServiceBrand; standing: Exclude<CertificateStanding, "unknown">; certificate: CheckedCertificate }): JSX.Element {
  const { certificate: c, standing } = props;
  const title =
    standing === "valid"
      ? "This certificate is valid"
      : standing === "withdrawn"
        ? "This qualification has been withdrawn"
        : "This certificate’s link has been stopped";
  return (
    <Page title={title} brand={props.brand}>
      <h1 class="govuk-heading-l" safe>
        {title}
      </h1>
      {standing === "valid" ? (
        <p class="govuk-body">Our records show this qualification today, as the certificate says.</p>
      ) : standing === "withdrawn" ? (
        <p class="govuk-body">
          The certificate was genuine when it was issued, but the qualification is no longer on this person’s teaching
          record. Do not rely on it.
        </p>
      ) : (
        <p class="govuk-body">
          The holder has stopped this certificate’s link working, so we cannot say whether the qualification still stands.
          Ask them for a newly downloaded certificate.
        </p>
      )}
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Status</dt>
          <dd class="govuk-summary-list__value">
            <strong class={`govuk-tag ${tags[standing].colour}`}>{tags[standing].text}</strong>
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Name</dt>
          <dd class="govuk-summary-list__value" safe>
            {c.holderName}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Qualification</dt>
          <dd class="govuk-summary-list__value" safe>
            {c.qualificationName}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Date awarded</dt>
          <dd class="govuk-summary-list__value" safe>
            {formatDate(c.awardedDate)}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Teacher reference number (TRN)</dt>
          <dd class="govuk-summary-list__value" safe>
            {`Ending in ${c.trnEnding}`}
          </dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Issued by</dt>
          <dd class="govuk-summary-list__value" safe>
            {c.issuer}
          </dd>
        </div>
      </dl>
      <p class="govuk-body">Check that the name matches the person who gave you the certificate, for example against their identity document.</p>
    </Page>
  );
}

export function UnknownCertificatePage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="We cannot find this certificate" brand={props.brand}>
      <h1 class="govuk-heading-l">We cannot find this certificate</h1>
      <p class="govuk-body">The link or code does not match any certificate we have issued.</p>
      <p class="govuk-body">
        Check that you typed the address exactly as it is printed on the certificate, or scan its QR code. If it still
        does not work, do not rely on the certificate: ask the holder to download a new one from Access your teaching
        qualifications.
      </p>
    </Page>
  );
}

export function CheckUnavailablePage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Sorry, we cannot check this certificate at the moment" brand={props.brand}>
      <h1 class="govuk-heading-l">Sorry, we cannot check this certificate at the moment</h1>
      <p class="govuk-body">Try again in a few minutes.</p>
    </Page>
  );
}

export function TooManyChecksPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="You have checked too many certificates" brand={props.brand}>
      <h1 class="govuk-heading-l">You have checked too many certificates</h1>
      <p class="govuk-body">Wait a minute, then try again.</p>
    </Page>
  );
}
