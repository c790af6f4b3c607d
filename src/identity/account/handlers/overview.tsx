// GET /account: the teacher's details, their teaching record (read from records now), the services
// they have signed in to, and the ways to change each.
import { htmlResponse } from "../../../web/html";
import type { Account } from "../../accounts/accounts";
import { findClient } from "../../clients/clients";
import { queryParam } from "../../journey/journey-guard";
import { ukTime } from "../../../mail/time-in-words";
import { clientsWithAccess } from "../../oidc/grants";
import { displayDate, displayPhone } from "../../register/register-answers";
import type { AccountHandler } from "../account-guard";
import { OverviewPage, type OfficialDetails } from "../account-pages";
import type { AccountDeps } from "../account-service";

/** What the success banner says after each change (the `done` query parameter). */
const doneBanners: Record<string, string> = {
  email: "Your email address has been changed",
  mobile: "Your mobile number has been changed",
  "mobile-removed": "Your mobile number has been removed",
  "preferred-name": "Your preferred name has been changed",
};

/**
 * The name and date of birth on the teacher's record. identity reads them with its own client
 * credentials (teachers:read), for the TRN of the signed-in account only: the TRN comes from the
 * session's account row, never from the request.
 */
async function officialDetails(deps: AccountDeps, account: Account): Promise<OfficialDetails> {
  if (!account.trn) return { status: "no-trn" };
  const found = await deps.findTeacher(account.trn);
  if (found.status === "not_found") return { status: "not-found", trn: account.trn };
  if (found.status === "unavailable") return { status: "unavailable", trn: account.trn };
  const { firstName, middleName, lastName, dateOfBirth, dateOfBirthFromTeacher } = found.teacher;
  return {
    status: "found",
    trn: account.trn,
    name: [firstName, middleName, lastName].filter(Boolean).join(" ") || "Not known",
    dateOfBirth: dateOfBirth ? `${displayDate(dateOfBirth)}${dateOfBirthFromTeacher ? " (given by you, not yet checked)" : ""}` : "Not known",
  };
}

function banner(deps: AccountDeps, done: string | null, clientId: string | null): string | undefined {
  if (done === "access-removed") {
    const name = clientId ? findClient(deps.db, clientId)?.name : undefined;
    return name ? `You have removed access for ${name}` : "You have removed access for the service";
  }
  return done ? doneBanners[done] : undefined;
}

export function overviewPage(deps: AccountDeps): { show: AccountHandler } {
  return {
    show: async ({ account }, ctx) =>
      htmlResponse(
        <OverviewPage
          brand={deps.brand}
          email={account.email}
          phone={account.phoneNumber ? displayPhone(account.phoneNumber) : null}
          preferredName={account.preferredName}
          official={await officialDetails(deps, account)}
          services={clientsWithAccess(deps.db, account.id).map((s) => ({ ...s, lastSignedIn: ukTime(s.lastSignedInAt, { date: true }) }))}
          banner={banner(deps, queryParam(ctx, "done"), queryParam(ctx, "client"))}
        />,
      ),
  };
}
