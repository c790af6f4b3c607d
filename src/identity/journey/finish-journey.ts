// The end of every journey: a session for the account, the journey forgotten, and the user sent
// back to the client with an authorization code (the hand-off's "here is the account"), or, for a
// journey no client started, to the identity page it returns to (e.g. /account).
import { htmlResponse, seeOther, withCookies } from "../../web/html";
import type { Account } from "../accounts/accounts";
import { completeWithAccount } from "../oidc/hand-off";
import { createSession, type IdentitySession } from "../sessions/session";
import type { JourneyDeps } from "./journey-deps";
import { RequestExpiredPage } from "./journey-pages";
import { endJourney, type Journey } from "./journey-store";

export function finishJourney(
  deps: JourneyDeps,
  journey: Journey,
  account: Account,
  options: { signedInSession?: IdentitySession | null } = {},
): Response {
  const cookies: string[] = [];
  // A browser already signed in as this account keeps its session; otherwise the journey signs it in.
  let session = options.signedInSession;
  if (!session) {
    const created = createSession(deps.db, account.id, { secure: deps.secure });
    session = created.session;
    cookies.push(created.setCookie);
  }
  cookies.push(endJourney(deps.db, journey, deps.secure));
  if (journey.state.returnTo !== undefined) {
    deps.logger.info("journey_completed", { account_id: account.id, returned_to: journey.state.returnTo });
    return seeOther(journey.state.returnTo, withCookies(cookies));
  }
  let location: string;
  try {
    location = completeWithAccount(deps.db, { requestId: journey.state.requestId, accountId: account.id, session });
  } catch (error) {
    // The client's request expired while the user was busy: they are signed in, but must go back.
    deps.logger.warn("authorization_not_completed", { error: error as Error });
    return htmlResponse(RequestExpiredPage({ brand: deps.brand, signedIn: true }), 400, withCookies(cookies));
  }
  deps.logger.info("journey_completed", { account_id: account.id, registration: Boolean(journey.state.registration) });
  return seeOther(location, withCookies(cookies));
}
