// Pages the protocol itself shows: a broken link from a client, and RP-initiated sign-out.
import { CsrfField, Page, type ServiceBrand } from "../../web/layout";
import { HelpContact } from "../../web/support";

export function AuthorizeErrorPage(props: { brand: ServiceBrand; reason: string }): JSX.Element {
  return (
    <Page title="There is a problem with the link you followed" brand={props.brand}>
      <h1 class="govuk-heading-l">There is a problem with the link you followed</h1>
      <p class="govuk-body" safe>{props.reason}</p>
      <p class="govuk-body">Go back to the service you came from and try again.</p>
      <p class="govuk-body">If the problem continues, contact us.</p>
      <HelpContact brand={props.brand} about="which service sent you here and what the page said" />
    </Page>
  );
}

export interface SignOutForm {
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
}

/** Cancel goes back to the service that asked (its own start page, where it still has the teacher signed in), else Teacher ID's. */
function cancelHref(form: SignOutForm): string {
  if (!form.postLogoutRedirectUri) return "/";
  try {
    return `${new URL(form.postLogoutRedirectUri).origin}/`;
  } catch {
    return "/";
  }
}

export function SignOutConfirmPage(props: { brand: ServiceBrand; csrfToken: string; form: SignOutForm; clientName?: string }): JSX.Element {
  const { form } = props;
  return (
    <Page title="Sign out of Teacher ID" brand={props.brand}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Sign out of Teacher ID</h1>
          {props.clientName ? (
            <p class="govuk-body" safe>
              {`${props.clientName} has asked to sign you out of your Teacher ID account.`}
            </p>
          ) : (
            <p class="govuk-body">Do you want to sign out of your Teacher ID account?</p>
          )}
          <p class="govuk-body">You will need to sign in again to use services that use Teacher ID.</p>
          <form method="post" action="/end-session" novalidate>
            <CsrfField token={props.csrfToken} />
            {form.clientId ? <input type="hidden" name="client_id" value={form.clientId} /> : ""}
            {form.postLogoutRedirectUri ? <input type="hidden" name="post_logout_redirect_uri" value={form.postLogoutRedirectUri} /> : ""}
            {form.state ? <input type="hidden" name="state" value={form.state} /> : ""}
            <div class="govuk-button-group">
              <button type="submit" class="govuk-button" data-module="govuk-button">
                Sign out
              </button>
              <a class="govuk-link" href={cancelHref(form)}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Page>
  );
}

export function SignedOutPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="You have signed out" brand={props.brand}>
      <h1 class="govuk-heading-l">You have signed out</h1>
      <p class="govuk-body">You have signed out of your Teacher ID account.</p>
      <p class="govuk-body">You can close this window.</p>
    </Page>
  );
}

export function SignOutErrorPage(props: { brand: ServiceBrand; reason: string }): JSX.Element {
  return (
    <Page title="There is a problem with the sign out link" brand={props.brand}>
      <h1 class="govuk-heading-l">There is a problem with the sign out link</h1>
      <p class="govuk-body" safe>{props.reason}</p>
      <p class="govuk-body">Go back to the service you came from and try again.</p>
    </Page>
  );
}
