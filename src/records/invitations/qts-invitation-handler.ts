// Sends one QTS invitation (outbox kind "qts-invitation"): asks identity for a TRN token
// (POST /trn-tokens, scope trn_token:write), stores the link in the payload BEFORE sending so a
// retry reuses it, then emails the teacher. Any failure throws, and the outbox retries later.
import { authorizedFetch } from "../../auth/authorized-fetch";
import type { TokenSource } from "../../auth/client-credentials";
import { maskEmail, type Logger } from "../../log/logger";
import type { OutboxHandler } from "../../outbox/worker";
import { PermanentFailure } from "../../outbox/worker";
import type { QtsInvitationPayload } from "./qts-invitation-payload";
import { qtsInvitationEmail } from "./qts-invitation-email";

export interface QtsInvitationHandlerOptions {
  identityUrl: string;
  accessUrl: string;
  tokens: TokenSource;
  sendEmail: (email: { to: string; subject: string; text: string; html?: string }) => Promise<void>;
  logger: Logger;
  timeoutMs?: number;
}

export function createQtsInvitationHandler(options: QtsInvitationHandlerOptions): OutboxHandler {
  const { logger } = options;

  async function requestTrnToken(payload: QtsInvitationPayload): Promise<{ trnToken: string; expiresUtc: string }> {
    const response = await authorizedFetch(options.tokens, `${options.identityUrl}/trn-tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ trn: payload.trn, email: payload.email }),
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    if (response.status === 201) {
      const body = (await response.json()) as { trnToken?: unknown; expiresUtc?: unknown };
      if (typeof body.trnToken !== "string" || typeof body.expiresUtc !== "string") {
        throw new Error("identity POST /trn-tokens replied 201 without trnToken and expiresUtc");
      }
      return { trnToken: body.trnToken, expiresUtc: body.expiresUtc };
    }
    const detail = (await response.text().catch(() => "")).slice(0, 300);
    // 400: identity says this TRN or email can never get a token; retrying will not help.
    if (response.status === 400) throw new PermanentFailure(`identity refused the TRN token request (400): ${detail}`);
    throw new Error(`identity POST /trn-tokens replied ${response.status}`);
  }

  return async (payload: QtsInvitationPayload, context) => {
    let current = payload;
    if (!current.link || !current.expiresUtc) {
      const { trnToken, expiresUtc } = await requestTrnToken(current);
      const link = `${options.accessUrl}/register?trn_token=${encodeURIComponent(trnToken)}`;
      current = { ...current, link, expiresUtc };
      context.updatePayload(current);
      logger.info("invitation_link_created", { outboxId: context.id, to: maskEmail(current.email) });
    }
    const email = qtsInvitationEmail({
      to: current.email,
      firstName: current.firstName,
      lastName: current.lastName,
      trn: current.trn,
      qtsDate: current.qtsDate,
      link: current.link!,
      expiresUtc: current.expiresUtc!,
      accessUrl: options.accessUrl,
    });
    await options.sendEmail(email);
    logger.info("invitation_sent", { outboxId: context.id, to: maskEmail(current.email) });
    // The token in the link is a secret: once the email is out, keep only that it was sent.
    const { link: _link, ...withoutLink } = current;
    return { storePayload: { ...withoutLink, linkRemoved: true } };
  };
}
