import { CsrfField, Page, type ServiceBrand } from "../../web/layout";
import { signedInNavigation } from "../context";

/**
 * Access's own sign-out form. `identityUnreachable`: Teacher ID cannot be reached, so access can sign
 * the teacher out of itself only, and says so. Otherwise (a sign-out link that did not come from
 * Teacher ID) signing out here goes on to Teacher ID as usual.
 */
export function SignOutPage(props: { brand: ServiceBrand; csrfToken: string; identityUrl: string; identityUnreachable: boolean }): JSX.Element {
  if (!props.identityUnreachable) {
    return (
      <Page title="Sign out" brand={props.brand} navigation={signedInNavigation}>
        <h1 class="govuk-heading-l">Sign out</h1>
        <p class="govuk-body">Do you want to sign out of Access your teaching qualifications and your Teacher ID account?</p>
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
  return (
    <Page title="Sign out" brand={props.brand} navigation={signedInNavigation}>
      <h1 class="govuk-heading-l">Sign out</h1>
      <p class="govuk-body">We cannot reach Teacher ID at the moment.</p>
      <p class="govuk-body">
        You can sign out of Access your teaching qualifications now. You will still be signed in to your Teacher ID account on
        this device.
      </p>
      <form method="post" action="/sign-out" novalidate>
        <CsrfField token={props.csrfToken} />
        <div class="govuk-button-group">
          <button type="submit" class="govuk-button" data-module="govuk-button">
            Sign out of Access your teaching qualifications
          </button>
          <a class="govuk-link" href="/qualifications">
            Cancel
          </a>
        </div>
      </form>
      <SignOutOfTeacherIdLater identityUrl={props.identityUrl} />
    </Page>
  );
}

function SignOutOfTeacherIdLater(props: { identityUrl: string }): JSX.Element {
  return (
    <>
      <h2 class="govuk-heading-m">Signing out of Teacher ID</h2>
      <p class="govuk-body">
        Go to{" "}
        <a class="govuk-link" href={`${props.identityUrl}/end-session`}>
          Teacher ID’s sign out page
        </a>{" "}
        when it is working again, and choose “Sign out”. Or close every window of your browser: that signs you out of Teacher ID
        on this device.
      </p>
    </>
  );
}

/**
 * `teacherId`: "signed-out" when Teacher ID confirmed it signed the teacher out too; "not-reached" when
 * access signed them out alone because Teacher ID could not be reached; "unknown" otherwise (no session here).
 */
export function SignedOutPage(props: { brand: ServiceBrand; teacherId: "signed-out" | "not-reached" | "unknown"; identityUrl: string }): JSX.Element {
  return (
    <Page title="You have signed out" brand={props.brand}>
      <h1 class="govuk-heading-l">You have signed out</h1>
      {props.teacherId === "signed-out" ? (
        <p class="govuk-body">You have signed out of Access your teaching qualifications and your Teacher ID account.</p>
      ) : props.teacherId === "not-reached" ? (
        <>
          <p class="govuk-body">You have signed out of Access your teaching qualifications only.</p>
          <p class="govuk-body">We could not reach Teacher ID, so you are still signed in to your Teacher ID account on this device.</p>
          <SignOutOfTeacherIdLater identityUrl={props.identityUrl} />
        </>
      ) : (
        <p class="govuk-body">You are signed out of Access your teaching qualifications.</p>
      )}
      <p class="govuk-body">If you are using a shared computer, close your browser.</p>
      <p class="govuk-body">
        <a class="govuk-link" href="/sign-in">
          Sign in again
        </a>
      </p>
    </Page>
  );
}
