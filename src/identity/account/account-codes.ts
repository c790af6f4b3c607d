// Sending the codes /account asks for: to a new email address, to a new mobile number, and to the
// account's own address before a deletion. Each send counts against today's code limits (per
// address or number, per client IP: code-service.ts) and against the account itself, so one account
// cannot spray codes at many addresses. The pending change is saved once the code is on its way.
import { seeOther } from "../../web/html";
import { ipOf, type RouteContext } from "../journey/journey-guard";
import { tooManyRequests } from "../rate-limit/rate-limit-pages";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { sendEmailCode, sendPhoneCode, type SendResult } from "../security-codes/code-service";
import type { SignedIn } from "./account-guard";
import { deletionCodeEmail, emailChangeCodeEmail } from "./account-messages";
import type { AccountDeps } from "./account-service";
import { savePendingChange, type PendingKind } from "./pending-changes";

/** Codes sent for one account's changes per RATE_LIMIT_WINDOW, whatever the address. */
export const accountCodesPerWindow = 10;

const codePage: Record<PendingKind, string> = { email: "/account/email/code", phone: "/account/mobile/code", delete: "/account/delete/code" };
const startPage: Record<PendingKind, string> = { email: "/account/email", phone: "/account/mobile", delete: "/account/delete" };

/**
 * Sends the code for a change of `kind` (`value`: the new address or number; null for a deletion),
 * saves the change as waiting for it, and goes to the code page ("?resent=1" when asked again).
 */
export function sendCodeFor(
  deps: AccountDeps,
  signedIn: SignedIn,
  ctx: RouteContext,
  change: { kind: PendingKind; value: string | null },
  options: { resent?: boolean } = {},
): Response {
  const { account, session } = signedIn;
  const now = Date.now();
  const ip = ipOf(deps, ctx);
  const perAccount = hitRateLimit(deps.db, `account-codes:${account.id}`, { limit: accountCodesPerWindow, windowMs: deps.config.RATE_LIMIT_WINDOW }, now);
  let result: SendResult;
  if (!perAccount.allowed) result = { sent: false, retryAt: perAccount.retryAt };
  else if (change.kind === "phone") result = sendPhoneCode(deps.db, deps.config, { phone: change.value!, ip }, now);
  else {
    const email = change.kind === "email" ? change.value! : account.email;
    const message = change.kind === "email" ? emailChangeCodeEmail : deletionCodeEmail;
    const purpose = change.kind === "email" ? "email_change" : "account_deletion";
    result = sendEmailCode(deps.db, deps.config, { purpose, email, ip, message: (code) => message(email, code, account.preferredName) }, now);
  }
  if (!result.sent) {
    deps.logger.warn("account_code_rate_limited", { account_id: account.id, kind: change.kind });
    return tooManyRequests(deps.brand, { retryAt: result.retryAt, backLink: startPage[change.kind], what: "You have asked for too many security codes." });
  }
  deps.nudgeOutbox();
  // The code belongs to this change: only it is checked on the code page.
  savePendingChange(deps.db, session, { kind: change.kind, value: change.value, stage: "code-sent", codeId: result.codeId }, now);
  deps.logger.info("account_code_sent", { account_id: account.id, kind: change.kind });
  return seeOther(options.resent ? `${codePage[change.kind]}?resent=1` : codePage[change.kind]);
}
