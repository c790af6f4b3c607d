import { CsrfField, Page, type ServiceBrand } from "../../web/layout";
import { signedInNavigation } from "../context";

export function SignOutPage(props: { brand: ServiceBrand; csrfToken: string }): JSX.Element {
  return (
    <Page title="Sign out" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">Sign out</h1>
      <p class="govuk-body">
        You will be signed out of Access your teaching qualifications and of your Teacher ID account on this device.
      </p>
      <form method="post" action="/sign-out" novalidate>
        <CsrfField token={props.csrfToken} />
        <div class="govuk-button-group">
          <button type="submit" class="govuk-button" data-module="govuk-button">
            Sign out
          </button>
          <a class="govuk-link" href="/qualifications">
            Cancel
          </a>
        </div>
      </form>
    </Page>
  );
}

export function SignedOutPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="You have signed out" brand={props.brand}>
      <h1 class="govuk-heading-l">You have signed out</h1>
      <p class="govuk-body">You have signed out of Access your teaching qualifications and your Teacher ID account.</p>
      <p class="govuk-body">If you are using a shared computer, close your browser.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/sign-in">
          Sign in again
        </a>
      </p>
    </Page>
  );
}
