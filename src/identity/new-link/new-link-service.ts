// "Email me a new link" for an expired TRN token: a fresh token to the same address, with a link
// built from the client's initiate_login_uri. Returns nothing the caller shows: the reply is the
// same for every token. Only the per-IP limit (checked by the caller) changes the reply.
import { enqueueEmail } from "../../outbox/enqueue";
import type { Logger } from "../../log/logger";
import { linkLifetime } from "../../mail/time-in-words";
import type { IdentityDatabaseFile } from "../db/database";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { newLinkEmail } from "../security-codes/messages";
import { findTrnToken, issueTrnToken, tokenStatus } from "../trn-tokens/trn-tokens";
import { partlyMaskEmail } from "../accounts/accounts";

export interface NewLinkDeps {
  db: IdentityDatabaseFile;
  logger: Logger;
  /** How long a new TRN token lives. */
  trnTokenLifetimeMs: number;
  /** Emails to one address per window. */
  sendLimitPerAddress: number;
  rateLimitWindowMs: number;
}

/**
 * Sends a new link for an expired one. Returns the address (partly masked) a new link for it went
 * to, now or the first time the button was pressed; undefined when none was sent.
 */
export function sendNewLink(deps: NewLinkDeps, input: { tokenHash: string; initiateLoginUri: string | null }, now = Date.now()): string | undefined {
  return deps.db.transaction((tx) => {
    const old = findTrnToken(tx, input.tokenHash);
    if (!old || tokenStatus(old, now) !== "expired") return undefined;
    if (!input.initiateLoginUri) {
      deps.logger.warn("new_link_not_sent", { reason: "client has no initiate_login_uri", client_id: old.clientId });
      return undefined;
    }
    const limit = hitRateLimit(tx, `send:link:to:${old.email}`, { limit: deps.sendLimitPerAddress, windowMs: deps.rateLimitWindowMs }, now);
    if (!limit.allowed) return undefined;
    // Each expired token gets at most one successor, however often the button is pressed: a press
    // after the first is told where that one went.
    const renewed = hitRateLimit(tx, `renewed:${old.tokenHash}`, { limit: 1, windowMs: deps.trnTokenLifetimeMs }, now);
    if (!renewed.allowed) return partlyMaskEmail(old.email);
    const issued = issueTrnToken(tx, { trn: old.trn, email: old.email, clientId: old.clientId }, { ttlMs: deps.trnTokenLifetimeMs, now });
    const link = new URL(input.initiateLoginUri);
    link.searchParams.set("trn_token", issued.trnToken);
    enqueueEmail(tx, newLinkEmail(old.email, link.toString(), linkLifetime(new Date(issued.expiresUtc), new Date(now))), now);
    deps.logger.info("new_link_sent", { client_id: old.clientId });
    return partlyMaskEmail(old.email);
  });
}
