// GOV.UK error pages. They show no internals: no stack, no error message from code.
import { Page, type ServiceBrand } from "./layout";

export function NotFoundPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Page not found" brand={props.brand}>
      <h1 class="govuk-heading-l">Page not found</h1>
      <p class="govuk-body">If you typed the web address, check it is correct.</p>
      <p class="govuk-body">If you pasted the web address, check you copied the entire address.</p>
      <p class="govuk-body">
        <a class="govuk-link" href={props.brand.url}>
          Go to the start page
        </a>
      </p>
    </Page>
  );
}

export function ServerErrorPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Sorry, there is a problem with the service" brand={props.brand}>
      <h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>
      <p class="govuk-body">Try again later.</p>
      <p class="govuk-body">If you entered any information, it has not been saved.</p>
    </Page>
  );
}

export function FormExpiredPage(props: { brand: ServiceBrand; retryHref: string }): JSX.Element {
  return (
    <Page title="This form has expired" brand={props.brand}>
      <h1 class="govuk-heading-l">This form has expired</h1>
      <p class="govuk-body">For your security, we could not accept this form. Nothing has been saved.</p>
      <p class="govuk-body">
        <a class="govuk-link" href={props.retryHref}>
          Go back and try again
        </a>
      </p>
    </Page>
  );
}
