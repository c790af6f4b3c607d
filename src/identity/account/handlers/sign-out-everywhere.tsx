// /account/sign-out-everywhere: ends every identity session of the account (this browser's too)
// and revokes every grant, so every refresh token stops working and records refuses the tokens.
import { htmlResponse, seeOther } from "../../../web/html";
import { clearCookie } from "../../../web/cookies";
import { sessionCookieName } from "../../sessions/session";
import type { AccountHandler } from "../account-guard";
import { SignedOutEverywherePage, SignOutEverywherePage } from "../account-pages";
import { signOutEverywhere, type AccountDeps } from "../account-service";

export const signedOutEverywherePath = "/account/signed-out-everywhere";

export function signOutEverywherePage(deps: AccountDeps): { show: AccountHandler; answer: AccountHandler; done: () => Response } {
  return {
    show: (_signedIn, ctx) => htmlResponse(<SignOutEverywherePage brand={deps.brand} csrfToken={ctx.csrfToken} />),
    answer: ({ account }) => {
      const ended = signOutEverywhere(deps.db, account.id);
      deps.logger.info("account_signed_out_everywhere", { account_id: account.id, sessions_ended: ended.sessionsEnded, grants_revoked: ended.grantsRevoked });
      return seeOther(signedOutEverywherePath, { "set-cookie": clearCookie(sessionCookieName, { secure: deps.secure }) });
    },
    done: () => htmlResponse(<SignedOutEverywherePage brand={deps.brand} />),
  };
}
