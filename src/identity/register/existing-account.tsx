// When the link's email already has an account, or the browser is signed in: "Continue" links the
// TRN to that account, and "Which account do you want to use?" picks one.
import { Elysia } from "elysia";
import { registrations } from "../../metrics/metrics";
import { formFields, htmlResponse, seeOther } from "../../web/html";
import type { Account } from "../accounts/accounts";
import { finishJourney } from "../journey/finish-journey";
import { currentJourney, noJourney, type RouteContext } from "../journey/journey-guard";
import { noJourneyHere } from "../journey/journey-pages";
import { clientRequestId } from "../journey/journey-state";
import type { Journey } from "../journey/journey-store";
import { destroySession, readSession, type IdentitySession } from "../sessions/session";
import { emailSignInCode } from "../sign-in/steps/email";
import { BindFailurePage, ChooseAccountPage } from "./register-pages";
import { bindTokenForAccount, currentSituation, type RegisterDeps, type Situation } from "./register-service";

/** Binds the journey's token to an account the user has proved is theirs, then back to the client. */
export function finishWithExistingAccount(
  deps: RegisterDeps,
  journey: Journey,
  account: Account,
  options: { signedInSession?: IdentitySession | null } = {},
): Response {
  const result = bindTokenForAccount(deps, journey.state.registration!, account);
  if (result.ok) {
    registrations.finishedExistingAccount.inc();
    return finishJourney(deps, journey, result.account, options);
  }
  return htmlResponse(<BindFailurePage brand={deps.brand} failure={result} requestId={clientRequestId(journey.state)} />, 409);
}

export function existingAccountRoutes(deps: RegisterDeps) {
  /** The registration journey and its situation now; without one, noJourney() (timed out, or nothing to continue). */
  const withSituation =
    (handler: (journey: Journey, situation: Situation, ctx: RouteContext, cookie: string | null) => Response) => (c: unknown) => {
      const ctx = c as RouteContext;
      const journey = currentJourney(deps, ctx);
      const answers = journey?.state.registration;
      if (!journey) return noJourney(deps, ctx);
      if (!answers) return noJourneyHere(deps.brand);
      const cookie = ctx.request.headers.get("cookie");
      return handler(journey, currentSituation(deps, journey.state.requestId, answers, cookie), ctx, cookie);
    };
  const signedIn = (cookie: string | null) => ({ signedInSession: readSession(deps.db, cookie) });

  return new Elysia({ name: "identity-register-existing-account" })
    .post(
      "/register/continue",
      withSituation((journey, situation, ctx, cookie) => {
        // The link alone never signs anyone in to an existing account: it is a long-lived bearer
        // credential that gets forwarded. Sign in with a code sent now; the TRN is bound after that.
        if (situation.kind === "existing-account") return emailSignInCode(deps, journey, situation.account.email, ctx, false);
        if (situation.kind === "signed-in-same-email")
          return finishWithExistingAccount(deps, journey, situation.account, signedIn(cookie));
        return seeOther("/register");
      }),
    )
    .post(
      "/register/choose-account",
      withSituation((journey, situation, ctx, cookie) => {
        if (situation.kind !== "signed-in-other-email") return seeOther("/register");
        const choice = formFields(ctx.body).account;
        if (choice === "signed-in")
          return finishWithExistingAccount(deps, journey, situation.account, signedIn(cookie));
        if (choice === "link") return seeOther("/register", { "set-cookie": destroySession(deps.db, cookie, deps.secure) });
        return htmlResponse(
          <ChooseAccountPage
            brand={deps.brand}
            csrfToken={ctx.csrfToken}
            signedInEmail={situation.account.email}
            tokenEmail={situation.tokenEmail}
            error="Select which account you want to use"
          />,
          400,
        );
      }),
    );
}
