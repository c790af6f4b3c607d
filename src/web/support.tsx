// How a teacher gets help: the one contact paragraph every page where they cannot go on shows
// (record not found, TRN linked to another account, blocked, the 500 page...), and the "Get help"
// page every footer links to. The contact comes from SUPPORT_EMAIL and SUPPORT_RESPONSE_TIME
// (src/config/config.ts supportContact), carried on the service's brand.
import { Elysia } from "elysia";
import { htmlResponse } from "./html";
import { Page, type ServiceBrand } from "./layout";

export interface SupportContact {
  email: string;
  /** "5 working days": how soon they can expect an answer. */
  responseTime: string;
}

/** Where a service's "Get help" page is. */
export const helpPath = "/help";

/**
 * The contact paragraph. `about` says what to tell support ("that your TRN is linked to another
 * account"); every version asks for the TRN and warns against sending codes or links.
 */
export function HelpContact(props: { brand: ServiceBrand; about?: string; heading?: boolean }): JSX.Element {
  const support = props.brand.support;
  if (!support) return "";
  return (
    <div class="app-help-contact">
      {props.heading === false ? "" : <h2 class="govuk-heading-m">Get help</h2>}
      <p class="govuk-body">
        Email{" "}
        <a class="govuk-link" href={`mailto:${support.email}`} safe>
          {support.email}
        </a>
        {props.about ? <span safe>{` and tell us ${props.about}`}</span> : ""}. Include your teacher reference number (TRN) if you know
        it.
      </p>
      <p class="govuk-body">Do not send us security codes or links from our emails: we will never ask for them.</p>
      <p class="govuk-body" safe>{`We aim to reply within ${support.responseTime}.`}</p>
    </div>
  );
}

export function HelpPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Get help" brand={props.brand}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Get help</h1>
          <p class="govuk-body">
            Contact us if you cannot sign in, your teaching record or qualifications look wrong, or a page told you to get in
            touch.
          </p>
          <HelpContact brand={props.brand} heading={false} />
          <p class="govuk-body">
            <a class="govuk-link" href={props.brand.url}>
              Go to the start page
            </a>
          </p>
        </div>
      </div>
    </Page>
  );
}

/** GET /help, on each service whose brand has a support contact. */
export function helpRoutes(brand: ServiceBrand) {
  return new Elysia({ name: `help-${brand.url}` }).get(helpPath, () => htmlResponse(<HelpPage brand={brand} />));
}
