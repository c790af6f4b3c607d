// Pages a teacher may see around signing in. They name what happened and what to do next, and
// never show protocol details.
import { ukTime } from "../../mail/time-in-words";
import { Page, type ServiceBrand } from "../../web/layout";

export type SignInProblem = "not_completed" | "already_used" | "expired" | "access_denied" | "identity_error";

const problems: Record<SignInProblem, { title: string; body: string[] }> = {
  not_completed: {
    title: "We could not sign you in",
    body: [
      "Something went wrong while you were signing in, so we have not signed you in.",
      "This can happen if you started signing in in another browser, or used a link or bookmark from an earlier visit.",
    ],
  },
  already_used: {
    title: "You have already used this sign-in link",
    body: ["For your security, each sign-in can only be completed once."],
  },
  expired: {
    title: "Your sign-in has timed out",
    body: ["You took too long to sign in, so we have not signed you in. Your answers have not been saved."],
  },
  access_denied: {
    title: "You have not signed in",
    body: ["You need to sign in with your Teacher ID account to access your teaching qualifications."],
  },
  identity_error: {
    title: "We could not sign you in",
    body: ["Teacher ID could not complete your sign-in."],
  },
};

export function SignInProblemPage(props: {
  brand: ServiceBrand;
  problem: SignInProblem;
  signedIn: boolean;
  /** The sign-in began with the link from the QTS email. */
  viaTrnToken?: boolean;
}): JSX.Element {
  const { title, body } = problems[props.problem];
  return (
    <Page title={title} brand={props.brand}>
      <h1 class="govuk-heading-l" safe>
        {title}
      </h1>
      {body.map((text) => (
        <p class="govuk-body" safe>
          {text}
        </p>
      ))}
      {props.viaTrnToken && !props.signedIn ? (
        <p class="govuk-body">To create your Teacher ID account, select the link in the email we sent you again.</p>
      ) : (
        ""
      )}
      {props.signedIn ? (
        <a href="/qualifications" role="button" draggable="false" class="govuk-button" data-module="govuk-button">
          Go to your qualifications
        </a>
      ) : (
        <a href="/sign-in" role="button" draggable="false" class="govuk-button" data-module="govuk-button">
          Sign in again
        </a>
      )}
    </Page>
  );
}

export function IdentityUnavailablePage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <Page title="Sorry, you cannot sign in at the moment" brand={props.brand}>
      <h1 class="govuk-heading-l">Sorry, you cannot sign in at the moment</h1>
      <p class="govuk-body">We cannot reach Teacher ID, the service you sign in with. Try again in a few minutes.</p>
      <p class="govuk-body">If you used a link from an email, it will still work later.</p>
    </Page>
  );
}

/** Too many sign-ins started from one client IP (ACCESS_SIGN_IN_LIMIT_PER_IP); `retryAt` in unix ms. */
export function TooManySignInsPage(props: { brand: ServiceBrand; retryAt: number }): JSX.Element {
  // Rounded up to the minute, so "try again after 3:45pm" is never too early.
  const at = ukTime(Math.ceil(props.retryAt / 60_000) * 60_000);
  return (
    <Page title="You need to wait before trying again" brand={props.brand}>
      <h1 class="govuk-heading-l">You need to wait before trying again</h1>
      <p class="govuk-body">There have been too many attempts to sign in from your network.</p>
      <p class="govuk-body" safe>{`For your security, try again after ${at}.`}</p>
      <p class="govuk-body">If you used a link from an email, it will still work later.</p>
    </Page>
  );
}
