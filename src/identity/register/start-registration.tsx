// Where registration starts, from /interaction: the request carried a TRN token. A token that cannot
// be used gets its page at once; a usable one starts the journey at the landing page.
import { registrations } from "../../metrics/metrics";
import { htmlResponse } from "../../web/html";
import { enterJourney, type RouteContext } from "../journey/journey-guard";
import { TokenExpiredPage } from "../new-link/new-link-pages";
import type { AccountRequest } from "../oidc/hand-off";
import { findTrnToken, tokenStatus } from "../trn-tokens/trn-tokens";
import { partlyMaskEmail } from "../accounts/accounts";
import { BindFailurePage } from "./register-pages";
import type { RegisterDeps } from "./register-service";

export function startRegistration(deps: RegisterDeps, request: AccountRequest & { trnTokenHash: string }, ctx: RouteContext): Response {
  const { brand } = deps;
  const token = findTrnToken(deps.db, request.trnTokenHash);
  switch (tokenStatus(token)) {
    case "unknown":
      return htmlResponse(<BindFailurePage brand={brand} failure={{ kind: "unknown" }} requestId={request.id} />, 404);
    case "used":
      return htmlResponse(<BindFailurePage brand={brand} failure={{ kind: "used" }} requestId={request.id} />, 410);
    case "expired":
      return htmlResponse(<TokenExpiredPage brand={brand} csrfToken={ctx.csrfToken} requestId={request.id} sentTo={partlyMaskEmail(token!.email)} />, 410);
    case "valid": {
      const registration = { trnTokenHash: token!.tokenHash, trn: token!.trn, email: token!.email };
      registrations.started.inc();
      return enterJourney(deps, { requestId: request.id, registration }, "/register");
    }
  }
}
