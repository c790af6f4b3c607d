// The end of every journey: a session for the account, the journey forgotten, and the user sent
// back to the client with an authorization code (the protocol code's completeAuthorization).
import { createSession } from "../sessions/session";
import type { Account } from "../accounts/accounts";
import { endJourney, type Journey } from "./journey-store";
import type { JourneyDeps } from "./journey-deps";
import { pageResponse, seeOtherWithCookies } from "./http";
import { RequestExpiredPage } from "./journey-pages";

export async function finishJourney(
  deps: JourneyDeps,
  journey: Journey,
  account: Account,
  options: { authTime?: number; reuseSession?: boolean } = {},
): Promise<Response> {
  const cookies: string[] = [];
  let authTime = options.authTime ?? Date.now();
  if (!options.reuseSession) {
    const { session, setCookie } = createSession(deps.db, account.id, { secure: deps.secure });
    authTime = session.authTime;
    cookies.push(setCookie);
  }
  cookies.push(endJourney(deps.db, journey, deps.secure));
  let location: string;
  try {
    location = await deps.completeAuthorization(deps.db, { requestId: journey.state.requestId, accountId: account.id, authTime });
  } catch (error) {
    // The client's request expired while the user was busy: they are signed in, but must go back.
    deps.logger.warn("authorization_not_completed", { error: error as Error });
    return pageResponse(<RequestExpiredPage brand={deps.brand} signedIn />, { status: 400, cookies });
  }
  deps.logger.info("journey_completed", { account_id: account.id, registration: Boolean(journey.state.registration) });
  return seeOtherWithCookies(location, cookies);
}
