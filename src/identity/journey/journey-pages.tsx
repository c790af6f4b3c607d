// Pages shared by the journeys when there is nothing to continue. (The "wait before trying
// again" page is src/identity/rate-limit/rate-limit-pages.tsx.)
import { Page, type ServiceBrand } from "../../web/layout";
import { htmlResponse } from "../../web/html";

/** No journey cookie, or the journey is over or too old. */
export function JourneyExpiredPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Your session has timed out" brand={props.brand}>
      <h1 class="govuk-heading-l">Your session has timed out</h1>
      <p class="govuk-body">We have not saved your answers. This happens when you leave a page open for more than an hour, or open it in another browser.</p>
      <p class="govuk-body">
        Go back to the service you were using, for example Access your teaching qualifications, and sign in again. If you
        were creating an account, use the link in your email again.
      </p>
    </Page>
  );
}

/** The client's authorization request is finished or too old to finish. */
export function RequestExpiredPage(props: { brand: ServiceBrand; signedIn: boolean }): JSX.Element {
  return (
    <Page title="You need to start again" brand={props.brand}>
      <h1 class="govuk-heading-l">You need to start again</h1>
      {props.signedIn ? <p class="govuk-body">You are signed in to Teacher ID.</p> : ""}
      <p class="govuk-body">
        Too much time has passed since you came from the service you were using. Go back to that service and try again.
      </p>
    </Page>
  );
}

/** 400 with the "timed out" page: no journey cookie, or the journey is over or too old. */
export function journeyExpired(brand: ServiceBrand): Response {
  return htmlResponse(<JourneyExpiredPage brand={brand} />, 400);
}
