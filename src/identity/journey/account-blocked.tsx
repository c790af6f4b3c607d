// What a blocked account's sign-in or registration ends on (the support console blocks accounts):
// no session, no code for the client; a page that says so and where to get help. Shown only after
// the teacher has proved the address (the email code), so it tells nobody else anything.
import { htmlResponse } from "../../web/html";
import type { ServiceBrand } from "../../web/layout";
import { isAccountBlocked } from "../accounts/account-blocks";
import type { IdentityDb } from "../db/database";
import { TwoThirdsPage } from "./components";

export function AccountBlockedPage(props: { brand: ServiceBrand }): JSX.Element {
  return (
    <TwoThirdsPage title="Your account is blocked" brand={props.brand}>
      <h1 class="govuk-heading-l">Your account is blocked</h1>
      <p class="govuk-body">You cannot sign in to your Teacher ID account at the moment because it has been blocked.</p>
      <p class="govuk-body">
        To find out why, or to ask for it to be unblocked, contact the Teaching Regulation Agency at qts.enquiries@education.gov.uk. Say that
        your Teacher ID account is blocked, and tell them your teacher reference number (TRN) if you know it.
      </p>
    </TwoThirdsPage>
  );
}

/** The 403 page when the account is blocked; undefined when it may sign in. */
export function blockedAccountReply(db: IdentityDb, brand: ServiceBrand, accountId: string): Response | undefined {
  return isAccountBlocked(db, accountId) ? htmlResponse(<AccountBlockedPage brand={brand} />, 403) : undefined;
}
