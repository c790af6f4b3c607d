// /account/delete: what deleting means, then "Continue" emails a fresh code to the account's own
// address (/account/delete/code). Nothing is deleted until that code is entered.
import { htmlResponse } from "../../../web/html";
import { sendCodeFor } from "../account-codes";
import type { AccountHandler } from "../account-guard";
import { DeletePage } from "../account-pages";
import type { AccountDeps } from "../account-service";

export function deletePage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler } {
  return {
    show: ({ account }, ctx) => htmlResponse(<DeletePage brand={deps.brand} csrfToken={ctx.csrfToken} hasTrn={account.trn !== null} />),
    answer: (signedIn, ctx) => sendCodeFor(deps, signedIn, ctx, { kind: "delete", value: null }),
  };
}
