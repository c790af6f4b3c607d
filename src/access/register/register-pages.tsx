// The page for a magic link that cannot be right (cut short or changed), before identity is asked.
import { Page, type ServiceBrand } from "../../web/layout";

export function InvalidLinkPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="This link is not valid" brand={props.brand}>
      <h1 class="govuk-heading-l">This link is not valid</h1>
      <p class="govuk-body">The link you used is incomplete or has been changed.</p>
      <p class="govuk-body">
        Go back to the email we sent you and select the link again. If you copied the link, check you copied all of it.
      </p>
      <p class="govuk-body">
        If you already have a Teacher ID account, you can{" "}
        <a class="govuk-link" href="/sign-in">
          sign in to access your teaching qualifications
        </a>
        .
      </p>
    </Page>
  );
}
