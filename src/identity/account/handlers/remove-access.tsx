// /account/services/{clientId}/remove: "Remove access for {service}?"; the answer revokes that
// client's grants for this account (its refresh tokens stop working; records refuses its tokens).
import { htmlResponse, seeOther } from "../../../web/html";
import { clientsWithAccess } from "../../oidc/grants";
import type { AccountHandler } from "../account-guard";
import { RemoveAccessPage } from "../account-pages";
import { removeClientAccess, type AccountDeps } from "../account-service";

export function removeAccessPage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler } {
  /** The service, if it has access to this account now; otherwise there is nothing to remove. */
  const serviceOf = (accountId: string, clientId: string | undefined) =>
    clientsWithAccess(deps.db, accountId).find((service) => service.clientId === clientId);
  return {
    show: ({ account }, ctx) => {
      const service = serviceOf(account.id, ctx.params?.clientId);
      if (!service) return seeOther("/account");
      return htmlResponse(<RemoveAccessPage brand={deps.brand} csrfToken={ctx.csrfToken} clientId={service.clientId} serviceName={service.name} />);
    },
    answer: ({ account }, ctx) => {
      const service = serviceOf(account.id, ctx.params?.clientId);
      if (!service) return seeOther("/account");
      const grantsRevoked = removeClientAccess(deps.db, { accountId: account.id, clientId: service.clientId });
      deps.logger.info("account_access_removed", { account_id: account.id, client_id: service.clientId, grants_revoked: grantsRevoked });
      return seeOther(`/account?done=access-removed&client=${encodeURIComponent(service.clientId)}`);
    },
  };
}
