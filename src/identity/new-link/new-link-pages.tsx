// Pages of "Email me a new link": the expired-link page that offers it, and what comes after.
import type { ServiceBrand } from "../../web/layout";
import { HelpContact } from "../../web/support";
import { Button, PostForm, TwoThirdsPage } from "../journey/components";
import { signInHref } from "../sign-in/sign-in-paths";
import { newLinkPath } from "./new-link-paths";

/** `sentTo`: the link's address, partly masked (partlyMaskEmail): the new link goes there too. */
export function TokenExpiredPage(props: { brand: ServiceBrand; csrfToken: string; requestId: string; sentTo: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Your link has expired" brand={props.brand}>
      <h1 class="govuk-heading-l">Your link has expired</h1>
      <p class="govuk-body">Links to create a Teacher ID account work for a limited time, to keep your details safe.</p>
      <p class="govuk-body">
        We can email you a new link. It goes to <strong class="govuk-!-text-break-word" safe>{props.sentTo}</strong>, the address your
        first link was sent to.
      </p>
      <PostForm action={newLinkPath(props.requestId)} csrfToken={props.csrfToken}>
        <Button text="Email me a new link" />
      </PostForm>
      <p class="govuk-body">
        If you already have a Teacher ID account,{" "}
        <a class="govuk-link" href={signInHref(props.requestId)}>
          sign in
        </a>
        .
      </p>
    </TwoThirdsPage>
  );
}

/** After "Email me a new link": `sentTo` (partly masked) when a new link was sent for this link, now or before. */
export function NewLinkSentPage(props: { brand: ServiceBrand; sentTo?: string }): JSX.Element {
  if (!props.sentTo) {
    return (
      <TwoThirdsPage title="We could not send you a new link" brand={props.brand}>
        <h1 class="govuk-heading-l">We could not send you a new link</h1>
        <p class="govuk-body">We have not sent a new link for this one. It may not have expired, or we have sent too many new links to its address today.</p>
        <HelpContact brand={props.brand} about="that you need a new link to create your Teacher ID account" />
      </TwoThirdsPage>
    );
  }
  return (
    <TwoThirdsPage title="We have sent you a new link" brand={props.brand}>
      <h1 class="govuk-heading-l">We have sent you a new link</h1>
      <p class="govuk-body">
        We have sent a new link to <strong class="govuk-!-text-break-word" safe>{props.sentTo}</strong>. Use it to create your Teacher ID
        account.
      </p>
      <p class="govuk-body">It may take a few minutes to arrive. Check your spam or junk folder.</p>
      <p class="govuk-body">You can close this page.</p>
    </TwoThirdsPage>
  );
}
