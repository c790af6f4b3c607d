// GOV.UK error pages. They show no internals: no stack, no error message from code.
import { Page, type ServiceBrand } from "./layout";
import { HelpContact } from "./support";

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
      <HelpContact brand={props.brand} about="what you were trying to do and when" />
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

/** 415: a page was sent something other than a form (another site's script, or a broken client). */
export function FormNotAcceptedPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Sorry, we could not accept what was sent" brand={props.brand}>
      <h1 class="govuk-heading-l">Sorry, we could not accept what was sent</h1>
      <p class="govuk-body">This page only accepts its own form. Nothing has been saved.</p>
      <p class="govuk-body">
        <a class="govuk-link" href={props.brand.url}>
          Go to the start page
        </a>
      </p>
    </Page>
  );
}

/** 413: more was sent than any form on the service takes. */
export function TooLargePage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="What you sent was too large" brand={props.brand}>
      <h1 class="govuk-heading-l">What you sent was too large</h1>
      <p class="govuk-body">The form sent more information than we can accept. Nothing has been saved.</p>
      <p class="govuk-body">
        <a class="govuk-link" href={props.brand.url}>
          Go to the start page
        </a>
      </p>
    </Page>
  );
}

/** 405: the address exists, but not for this method (e.g. a bookmarked form's address opened with POST by a tool). */
export function MethodNotAllowedPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Sorry, this page cannot be used in that way" brand={props.brand}>
      <h1 class="govuk-heading-l">Sorry, this page cannot be used in that way</h1>
      <p class="govuk-body">The web address is right, but the page does not accept that kind of request. Nothing has been saved.</p>
      <p class="govuk-body">
        <a class="govuk-link" href={props.brand.url}>
          Go to the start page
        </a>
      </p>
    </Page>
  );
}
