// Pages shared by the journeys when there is nothing to continue. (The "wait before trying
// again" page is src/identity/rate-limit/rate-limit-pages.tsx.)
import { Page, type ServiceBrand } from "../../web/layout";
import { htmlResponse } from "../../web/html";
import { durationInWords } from "../../mail/time-in-words";
import { journeyLifetimeMs } from "./journey-store";

/**
 * The browser's journey is too old: its cookie names one that has ended (journeyLifetimeMs from when it
 * started). Only ever a real timeout: a visit with no journey at all gets NoJourneyPage.
 */
export function JourneyExpiredPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Your session has timed out" brand={props.brand}>
      <h1 class="govuk-heading-l">Your session has timed out</h1>
      <p class="govuk-body" safe>
        {`You have ${durationInWords(journeyLifetimeMs)} from when you start to sign in or create your account, and more time than that has passed. If you had not finished, we have not saved your answers.`}
      </p>
      <p class="govuk-body">
        Go back to the service you were using, for example Access your teaching qualifications, and sign in again. If you
        were creating an account, use the link in your email again: if your account was created, it lets you sign in.
      </p>
    </Page>
  );
}

/**
 * A journey page opened with no journey in this browser (a bookmark, an old tab, a link copied from
 * another browser): nothing timed out, there is simply nothing to continue.
 */
export function NoJourneyPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="There is nothing to continue on this page" brand={props.brand}>
      <h1 class="govuk-heading-l">There is nothing to continue on this page</h1>
      <p class="govuk-body">
        This page is part of signing in or creating a Teacher ID account, and you have not started doing that in this browser. It
        may have been saved as a bookmark, or opened from an old tab.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={props.brand.url}>
          Go to the start page
        </a>{" "}
        to sign in, or use the link in your email to create your account.
      </p>
    </Page>
  );
}

/**
 * The journey started (its first redirect set the cookie) but the next page came without it: the
 * browser is refusing cookies. Say so, and why we need one.
 */
export function CookiesBlockedPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="You need to turn on cookies to continue" brand={props.brand}>
      <h1 class="govuk-heading-l">You need to turn on cookies to continue</h1>
      <p class="govuk-body">Your browser is not accepting cookies from Teacher ID, so we cannot continue.</p>
      <p class="govuk-body">
        Teacher ID uses cookies only to make the service work: to remember your answers from one page to the next while you
        sign in or create your account, to check that each form you send comes from this website, and to keep you signed in.
        They are not used for advertising or to track you.
      </p>
      <h2 class="govuk-heading-m">What to do</h2>
      <ol class="govuk-list govuk-list--number">
        <li>Turn on cookies in your browser's settings, or allow cookies for this website.</li>
        <li>Use the link in your email again, or go back to the service you were using and sign in.</li>
      </ol>
      <p class="govuk-body">If you use private browsing, check that it allows cookies for this website.</p>
    </Page>
  );
}

/**
 * A request to a journey that has already finished (a double click, a refresh, the last page sent
 * again): the account exists, or the teacher is signed in. Never "nothing was saved".
 */
export function AlreadyFinishedPage(props: {
  brand: ServiceBrand;
  outcome: "account-created" | "signed-in";
  signedIn: boolean;
  clientName: string | null;
  /** The client's own start, where "Continue" goes. */
  serviceUrl: string | null;
}): JSX.Element {
  const title = props.outcome === "account-created" ? "Your Teacher ID account has been created" : "You have signed in to Teacher ID";
  const service = props.clientName ?? "the service you were using";
  return (
    <Page title={title} brand={props.brand}>
      <div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title" safe>
          {title}
        </h1>
      </div>
      <p class="govuk-body">
        {props.outcome === "account-created"
          ? "We created your account the first time you selected “Create account”. Selecting it again did not create another one."
          : "You signed in the first time you sent your details. Sending them again did not change anything."}
      </p>
      <p class="govuk-body">
        {props.signedIn ? "You are signed in to Teacher ID." : "You have signed out since then, so you will need to sign in again."}
      </p>
      {props.serviceUrl ? (
        <a href={props.serviceUrl} role="button" draggable="false" class="govuk-button" data-module="govuk-button" safe>
          {`Continue to ${service}`}
        </a>
      ) : (
        <p class="govuk-body">Go back to the service you were using to continue.</p>
      )}
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

/** 400 with the "timed out" page: the browser's journey is over or too old. */
export function journeyExpired(brand: ServiceBrand): Response {
  return htmlResponse(<JourneyExpiredPage brand={brand} />, 400);
}

/** 400 with the "nothing to continue" page: no journey in this browser, or not one this page belongs to. */
export function noJourneyHere(brand: ServiceBrand): Response {
  return htmlResponse(<NoJourneyPage brand={brand} />, 400);
}
