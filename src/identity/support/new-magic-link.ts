// "Send a new link to a corrected email address": the fix for "the email in DQT was wrong". A TRN
// token for the account's TRN (or a TRN the staff member enters, which records must confirm), sent
// through identity's outbox to the address staff give, in one transaction with its TrnTokenIssued
// event (actor staff:<id>, with the reason). Limited per staff member and per address.
import emailTemplate from "../../../templates/email/support-new-link.txt" with { type: "text" };
import { enqueueEmail, type EmailMessage } from "../../outbox/enqueue";
import { linkLifetime } from "../../mail/time-in-words";
import { findAccountById, findAccountByTrn, normaliseEmail } from "../accounts/accounts";
import type { IdentityDatabaseFile } from "../db/database";
import { actor } from "../events/events";
import { hitRateLimits } from "../rate-limit/rate-limit";
import { emailFromTemplate } from "../security-codes/messages";
import { issueTrnToken } from "../trn-tokens/trn-tokens";
import type { TeacherLookup } from "../register/records-client";
import type { StaffAction } from "./staff";

export interface NewLinkSettings {
  /** Where the link goes: access's /register (the seed's step 5). */
  registerUrl: string;
  /** The client the token is issued for (access's), so "Email me a new link" can renew it. */
  clientId: string;
  ttlMs: number;
  /** Links one staff member may send an hour, and links to one address an hour. */
  perStaffPerHour: number;
  perAddressPerHour: number;
}

const hourMs = 3_600_000;

export function supportNewLinkEmail(input: { to: string; name: string; trn: string; link: string; expires: Date; now: Date }): EmailMessage {
  return emailFromTemplate(emailTemplate, input.to, { name: input.name, trn: input.trn, link: input.link, ...linkLifetime(input.expires, input.now) });
}

export type NewLinkOutcome =
  | { kind: "sent"; trn: string; email: string; expiresUtc: string }
  | { kind: "no-account" }
  | { kind: "no-teacher" }
  | { kind: "records-unavailable" }
  /** Another account (not the one support started from) holds the TRN. */
  | { kind: "trn-bound-elsewhere" }
  /** The account has a TRN and staff entered another. */
  | { kind: "account-has-other-trn" }
  | { kind: "rate-limited"; retryAt: number };

export async function sendLinkToCorrectedEmail(
  deps: { db: IdentityDatabaseFile; findTeacher: TeacherLookup; settings: NewLinkSettings },
  input: StaffAction & { sub?: string; trn: string; email: string },
  now = Date.now(),
): Promise<NewLinkOutcome> {
  const { db, settings } = deps;
  const email = normaliseEmail(input.email);
  const account = input.sub ? findAccountById(db, input.sub) : undefined;
  if (input.sub && !account) return { kind: "no-account" };
  if (account?.trn && account.trn !== input.trn) return { kind: "account-has-other-trn" };
  const holder = findAccountByTrn(db, input.trn);
  if (holder && holder.id !== account?.id) return { kind: "trn-bound-elsewhere" };
  const found = await deps.findTeacher(input.trn);
  if (found.status === "not_found") return { kind: "no-teacher" };
  if (found.status === "unavailable") return { kind: "records-unavailable" };
  const name = [found.teacher.firstName, found.teacher.lastName].filter(Boolean).join(" ") || "teacher";
  return db.transaction((tx): NewLinkOutcome => {
    const limit = hitRateLimits(
      tx,
      [
        { key: `support:new-link:staff:${input.staff.id}`, rule: { limit: settings.perStaffPerHour, windowMs: hourMs } },
        { key: `support:new-link:to:${email}`, rule: { limit: settings.perAddressPerHour, windowMs: hourMs } },
      ],
      now,
    );
    if (!limit.allowed) return { kind: "rate-limited", retryAt: limit.retryAt };
    const issued = issueTrnToken(
      tx,
      { trn: input.trn, email, clientId: settings.clientId },
      { ttlMs: settings.ttlMs, now, by: { actor: actor.staff(input.staff.id), reason: input.reason } },
    );
    const link = new URL(settings.registerUrl);
    link.searchParams.set("trn_token", issued.trnToken);
    enqueueEmail(tx, supportNewLinkEmail({ to: email, name, trn: input.trn, link: link.toString(), expires: new Date(issued.expiresUtc), now: new Date(now) }), now);
    return { kind: "sent", trn: input.trn, email, expiresUtc: issued.expiresUtc };
  });
}
