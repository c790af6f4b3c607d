// Teacher ID's start page (GET /): where the header link, "Page not found" and the rate-limit page's
// Back link lead. It says what Teacher ID is, lets the teacher sign in (to "Your Teacher ID
// account"), and lists the services that use Teacher ID.
import { Page, type ServiceBrand } from "../web/layout";

export function TeacherIdStartPage(props: { brand: ServiceBrand; accessUrl: string }): JSX.Element {
  return (
    <Page title="Teacher ID" brand={props.brand}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-xl">Teacher ID</h1>
          <p class="govuk-body">
            A Teacher ID account lets you sign in to Department for Education services for teachers with one email address.
          </p>
          <a href="/account" role="button" draggable="false" class="govuk-button govuk-button--start" data-module="govuk-button">
            Sign in
            <svg class="govuk-button__start-icon" xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false">
              <path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" />
            </svg>
          </a>
          <p class="govuk-body">
            Sign in to your Teacher ID account to change your email address, mobile number or preferred name, see the services you
            use, or delete your account.
          </p>
          <h2 class="govuk-heading-m">Services that use Teacher ID</h2>
          <ul class="govuk-list">
            <li>
              <a class="govuk-link" href={props.accessUrl}>
                Access your teaching qualifications
              </a>
              <p class="govuk-body govuk-!-margin-top-1">See your qualified teacher status (QTS) and induction, and download your certificates.</p>
            </li>
          </ul>
          <h2 class="govuk-heading-m">If you do not have a Teacher ID account</h2>
          <p class="govuk-body">
            When you are awarded qualified teacher status, we email you a link to create your account. Use the link in that email: it
            connects your new account to your teaching record.
          </p>
          <p class="govuk-body">
            If you do not have a link (for example, you were awarded QTS some time ago), you can{" "}
            <a class="govuk-link" href={`${props.accessUrl}/create-account`}>
              create an account without a link
            </a>
            . We will ask some questions to find your teaching record.
          </p>
        </div>
      </div>
    </Page>
  );
}
