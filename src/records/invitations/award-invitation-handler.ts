// Sends one award's invitation (outbox kinds "qts-invitation", "eyts-invitation",
// "induction-invitation"). It asks identity for a TRN token (POST /trn-tokens, scope
// trn_token:write); identity's answer also says whether an account already holds the TRN
// (`accountExists`). That answer decides the email: a registration link for a teacher with no
// account, a plain sign-in link (no token) for one who has. The link is stored in the payload BEFORE
// sending so a retry reuses it; any failure throws, and the outbox retries later.
// When identity's Users API (GET /api/v1/users?trn=) lands, it can replace the flag here.
import { authorizedFetch } from "../../auth/authorized-fetch";
import type { TokenSource } from "../../auth/client-credentials";
import { maskEmail, type Logger } from "../../log/logger";
import type { OutboxHandler } from "../../outbox/worker";
import { PermanentFailure } from "../../outbox/worker";
import type { AwardInvitationPayload } from "./award-invitation";
import { awardInvitationEmail } from "./qts-invitation-email";

export interface AwardInvitationHandlerOptions {
  identityUrl: string;
  accessUrl: string;
  tokens: TokenSource;
  sendEmail: (email: { to: string; subject: string; text: string; html?: string }) => Promise<void>;
  logger: Logger;
  timeoutMs?: number;
  /** The preferred name of the Teacher ID account holding a TRN (records' copy from identity's webhooks). */
  preferredNameFor?: (trn: string) => string | undefined;
}

export function createAwardInvitationHandler(options: AwardInvitationHandlerOptions): OutboxHandler {
  const { logger } = options;

  async function requestTrnToken(payload: AwardInvitationPayload): Promise<{ trnToken: string; expiresUtc: string; accountExists: boolean }> {
    const response = await authorizedFetch(options.tokens, `${options.identityUrl}/trn-tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ trn: payload.trn, email: payload.email }),
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    if (response.status === 201) {
      const body = (await response.json()) as { trnToken?: unknown; expiresUtc?: unknown; accountExists?: unknown };
      if (typeof body.trnToken !== "string" || typeof body.expiresUtc !== "string") {
        throw new Error("identity POST /trn-tokens replied 201 without trnToken and expiresUtc");
      }
      return { trnToken: body.trnToken, expiresUtc: body.expiresUtc, accountExists: body.accountExists === true };
    }
    const detail = (await response.text().catch(() => "")).slice(0, 300);
    // 400: identity says this TRN or email can never get a token; retrying will not help.
    if (response.status === 400) throw new PermanentFailure(`identity refused the TRN token request (400): ${detail}`);
    throw new Error(`identity POST /trn-tokens replied ${response.status}`);
  }

  return async (payload: AwardInvitationPayload, context) => {
    let current = payload;
    if (!current.link) {
      const { trnToken, expiresUtc, accountExists } = await requestTrnToken(current);
      const link = accountExists
        ? `${options.accessUrl}/sign-in`
        : `${options.accessUrl}/register?trn_token=${encodeURIComponent(trnToken)}`;
      current = { ...current, link, expiresUtc, accountExists };
      context.updatePayload(current);
      logger.info("invitation_link_created", { outboxId: context.id, to: maskEmail(current.email), accountExists });
    }
    const award = current.award ?? "qts";
    const email = awardInvitationEmail({
      award,
      to: current.email,
      firstName: current.firstName,
      lastName: current.lastName,
      trn: current.trn,
      awardDate: current.awardDate ?? current.qtsDate ?? "",
      link: current.link!,
      expiresUtc: current.expiresUtc,
      accountExists: current.accountExists === true,
      accessUrl: options.accessUrl,
      // An account holds the TRN: greet by its preferred name. An invitation goes before any account
      // exists, so the record's name is the only one there is.
      preferredName: current.accountExists === true ? options.preferredNameFor?.(current.trn) : undefined,
    });
    await options.sendEmail(email);
    logger.info("invitation_sent", { outboxId: context.id, to: maskEmail(current.email), award, reason: current.reason });
    // The token in the link is a secret: once the email is out, keep only that it was sent.
    const { link: _link, ...withoutLink } = current;
    return { storePayload: { ...withoutLink, linkRemoved: true } };
  };
}

/** The name tests and older code know it by. */
export const createQtsInvitationHandler = createAwardInvitationHandler;
