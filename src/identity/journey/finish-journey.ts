// The end of every journey: a session for the account, the journey marked finished, and the user
// sent back to the client with an authorization code (the hand-off's "here is the account"), or, for
// a journey no client started, to the identity page it returns to (e.g. /account).
//
// And what a repeat of the last request gets (a double click, a refresh, the form sent again after
// going back): the journey is kept, finished, for a while, with where the first request sent the
// browser and the session cookie it was given, sealed with the journey cookie's id. A repeat lands
// where the first did (the same redirect, while the client has not redeemed its code: with a double
// click the browser drops the first answer, so the client never got it), or, once the client has
// the code, on a page that says the account exists / they are signed in, with a way on.
// It never says "nothing was saved".
import { htmlResponse, seeOther, withCookies } from "../../web/html";
import { seal, unseal } from "../../security/seal";
import type { Account } from "../accounts/accounts";
import { actor, recordEvent } from "../events/events";
import { codeAwaitsClient, completeWithAccount, readAccountRequest } from "../oidc/hand-off";
import { createSession, sessionIsLive, type IdentitySession } from "../sessions/session";
import { blockedAccountReply } from "./account-blocked";
import type { JourneyDeps } from "./journey-deps";
import { AlreadyFinishedPage, RequestExpiredPage } from "./journey-pages";
import type { FinishedJourney } from "./journey-state";
import { markJourneyFinished, readJourneyById, type Journey } from "./journey-store";

/** What the finish sealed for its repeats. */
interface SealedFinish {
  /** The client's redirect URL with the code; null when the request had expired. */
  location: string | null;
  /** The Set-Cookie of the session the finish made; null when the browser was signed in already. */
  sessionCookie: string | null;
}

const sealKey = (journey: Journey) => ({ material: journey.id, salt: "teacher-id/identity", purpose: "finished-journey" });

export function finishJourney(
  deps: JourneyDeps,
  journey: Journey,
  account: Account,
  options: {
    signedInSession?: IdentitySession | null;
    outcome?: FinishedJourney["outcome"];
    /** How the teacher proved who they are, when not the usual way (e.g. "sms-recovery"): in the UserSignedIn event. */
    method?: string;
  } = {},
): Response {
  // The same browser's other request (a double click) may have finished it since this one began.
  const repeat = repeatOfFinishedJourney(deps, journey);
  if (repeat) return repeat;
  // A blocked account (support console) gets no session and goes back to no client.
  const blocked = blockedAccountReply(deps.db, deps.brand, account.id);
  if (blocked) {
    deps.logger.info("journey_account_blocked", { account_id: account.id });
    return blocked;
  }

  const now = Date.now();
  const { requestId, returnTo } = journey.state;
  const request = requestId === undefined ? undefined : readAccountRequest(deps.db, requestId, now);
  const clientName = request?.clientName ?? null;
  // One transaction (bun:sqlite: one connection, so every statement below runs in it).
  const { location, sessionCookie, journeyCookie } = deps.db.transaction(() => {
    // A browser already signed in as this account keeps its session; otherwise the journey signs it in.
    let session = options.signedInSession;
    let sessionCookie: string | null = null;
    if (!session) {
      const created = createSession(deps.db, account.id, { secure: deps.secure, now, signedInWith: options.method });
      session = created.session;
      sessionCookie = created.setCookie;
    }
    let location: string | null = returnTo ?? null;
    if (requestId !== undefined) {
      try {
        location = completeWithAccount(deps.db, { requestId, accountId: account.id, session });
      } catch (error) {
        // The client's request expired while the user was busy: they are signed in, but must go back.
        deps.logger.warn("authorization_not_completed", { error: error as Error });
      }
    }
    // One sign-in, one event: a browser already signed in as this account is not signed in again.
    if (!options.signedInSession) {
      const payload = {
        clientId: request?.clientId ?? null,
        registration: Boolean(journey.state.registration),
        ...(options.method ? { method: options.method } : {}),
      };
      recordEvent(deps.db, { type: "UserSignedIn", actor: actor.account(account.id), subject: account.id, payload }, now);
    }
    const sealed: SealedFinish = { location, sessionCookie };
    const journeyCookie = markJourneyFinished(
      deps.db,
      journey,
      {
        at: now,
        outcome: options.outcome ?? "signed-in",
        accountId: account.id,
        clientName,
        sessionIdHash: session.idHash,
        sealed: seal(sealKey(journey), JSON.stringify(sealed)),
      },
      { secure: deps.secure, now },
    );
    return { location, sessionCookie, journeyCookie };
  });
  const cookies = withCookies(sessionCookie ? [sessionCookie, journeyCookie] : [journeyCookie]);
  if (!location) return htmlResponse(RequestExpiredPage({ brand: deps.brand, signedIn: true }), 400, cookies);
  deps.logger.info("journey_completed", { account_id: account.id, registration: Boolean(journey.state.registration), returned_to: returnTo });
  return seeOther(location, cookies);
}

/** The reply to a repeat, when `journey` (as stored now) has finished; otherwise undefined. */
export function repeatOfFinishedJourney(deps: JourneyDeps, journey: Journey): Response | undefined {
  const stored = readJourneyById(deps.db, journey.id);
  return stored?.state.finished ? finishedJourneyReply(deps, stored) : undefined;
}

/** Where a request to a finished journey goes: where the finish sent the browser, or the "done" page. */
export function finishedJourneyReply(deps: JourneyDeps, journey: Journey): Response {
  const finished = journey.state.finished!;
  const opened = unseal(sealKey(journey), finished.sealed);
  const sealed: SealedFinish = opened ? JSON.parse(opened) : { location: null, sessionCookie: null };
  // Signed out since (or the session expired): do not sign the browser in again.
  const signedIn = sessionIsLive(deps.db, finished.sessionIdHash);
  const cookies = withCookies(signedIn && sealed.sessionCookie ? [sealed.sessionCookie] : []);
  // A journey that returns to an identity page: back there while signed in.
  const returnTo = journey.state.returnTo;
  if (returnTo !== undefined && signedIn) return seeOther(returnTo, cookies);
  if (signedIn && returnTo === undefined && sealed.location && codeAwaitsClient(deps.db, sealed.location)) {
    deps.logger.info("journey_repeated", { account_id: finished.accountId, reply: "same_redirect" });
    return seeOther(sealed.location, cookies);
  }
  deps.logger.info("journey_repeated", { account_id: finished.accountId, reply: "finished_page" });
  const serviceUrl = sealed.location && returnTo === undefined ? `${new URL(sealed.location).origin}/` : null;
  return htmlResponse(
    AlreadyFinishedPage({ brand: deps.brand, outcome: finished.outcome, signedIn, clientName: finished.clientName, serviceUrl }),
    200,
    cookies,
  );
}
