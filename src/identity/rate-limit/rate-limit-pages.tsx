// The page identity shows when a rate limit refuses a request: the journeys (codes sent or tried)
// and the protocol (too many sign-ins started from one network) use the same one.
import { ukTime } from "../../mail/time-in-words";
import { htmlResponse } from "../../web/html";
import { Page, type ServiceBrand } from "../../web/layout";

/** "3:45pm (UK time)" for "try again after" messages (src/mail/time-in-words.ts ukTime). */
export function retryTime(at: number): string {
  return ukTime(at);
}

/** The same words whether or not an address has an account. */
function TooManyRequestsPage(props: { brand: ServiceBrand; retryAt: string; backLink?: string; what: string }): JSX.Element {
  return (
    <Page title="You need to wait before trying again" brand={props.brand} backLink={props.backLink}>
      <h1 class="govuk-heading-l">You need to wait before trying again</h1>
      <p class="govuk-body" safe>
        {props.what}
      </p>
      <p class="govuk-body" safe>{`For your security, try again after ${props.retryAt}.`}</p>
    </Page>
  );
}

/**
 * 429 with the page above and Retry-After; `retryAt` (unix ms) is when the refusing limit has room
 * again, which is one leak interval away at most (a limit slows down, it does not lock out).
 */
export function tooManyRequests(brand: ServiceBrand, input: { retryAt: number; backLink?: string; what: string }, now = Date.now()): Response {
  // A minute's rounding up, so that "try again after 3:45pm" is never too early.
  const shown = Math.ceil(input.retryAt / 60_000) * 60_000;
  return htmlResponse(<TooManyRequestsPage brand={brand} retryAt={retryTime(shown)} backLink={input.backLink} what={input.what} />, 429, {
    "retry-after": String(Math.max(1, Math.ceil((input.retryAt - now) / 1000))),
  });
}

/** Why /authorize or /interaction refused: the limit is per client IP, so the words speak of the network. */
export const tooManyStarts = "There have been too many attempts to sign in from your network.";
