// Pages of "Email me a new link": the expired-link page that offers it, and what comes after.
import type { ServiceBrand } from "../../web/layout";
import { Button, PostForm, TwoThirdsPage } from "../journey/components";
import { signInHref } from "../sign-in/sign-in-paths";
import { newLinkPath } from "./new-link-paths";

export function TokenExpiredPage(props: { brand: ServiceBrand; csrfToken: string; requestId: string }): JSX.Element {
  return (
    <TwoThirdsPage title="Your link has expired" brand={props.brand}>
      <h1 class="govuk-heading-l">Your link has expired</h1>
      <p class="govuk-body">Links to create a Teacher ID account work for a limited time, to keep your details safe.</p>
      <p class="govuk-body">We can email you a new link. It goes to the same email address as the one you used.</p>
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

export function NewLinkSentPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <TwoThirdsPage title="Check your email" brand={props.brand}>
      <h1 class="govuk-heading-l">Check your email</h1>
      <p class="govuk-body">
        If we could renew your link, we have sent a new one to the email address the first link went to. It may take a few
        minutes to arrive. Check your spam or junk folder.
      </p>
      <p class="govuk-body">You can close this page.</p>
    </TwoThirdsPage>
  );
}
