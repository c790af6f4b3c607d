// The invitation an award sends: one outbox message per (award, TRN), whatever path recorded the
// award (an ITT Pass, an import, PUT .../qts, .../eyts, .../induction). The dedupe key makes a
// repeat of any path, or a second path, a no-op. `link`, `expiresUtc` and `accountExists` are added
// by the worker before it sends, so a retry reuses the same TRN token; the link is removed once sent.
export const awards = ["qts", "eyts", "induction"] as const;
export type Award = (typeof awards)[number];

/** The outbox kind of each award's invitation ("qts-invitation" is what rows written before EYTS and induction have). */
export const invitationKinds: Record<Award, string> = {
  qts: "qts-invitation",
  eyts: "eyts-invitation",
  induction: "induction-invitation",
};
export const qtsInvitationKind = invitationKinds.qts;

/** Why an invitation was sent, shown by `records outbox list`. */
export const invitationReasons = ["itt-outcome-pass", "import-qts-date", "put-qts", "put-eyts", "induction-passed", "invite-without-account"] as const;
export type InvitationReason = (typeof invitationReasons)[number];

export interface AwardInvitationPayload {
  /** Absent on rows written before EYTS and induction: "qts". */
  award?: Award;
  reason?: InvitationReason;
  trn: string;
  email: string;
  firstName: string;
  lastName: string;
  /** The award's date (QTS date, EYTS date, induction completed). */
  awardDate?: string;
  /** Rows written before EYTS and induction carry the QTS date here. */
  qtsDate?: string;
  link?: string;
  expiresUtc?: string;
  /** identity said an account already holds the TRN: the email has a sign-in link instead. */
  accountExists?: boolean;
  /** Set when the sent email's link has been removed from the stored payload. */
  linkRemoved?: boolean;
}

/** The outbox message for an award just recorded (enqueue it in the award's own transaction). */
export function awardInvitation(
  award: Award,
  reason: InvitationReason,
  teacher: { trn: string; email: string; firstName: string; lastName: string },
  awardDate: string,
): { kind: string; payload: AwardInvitationPayload; dedupeKey: string } {
  const payload: AwardInvitationPayload = {
    award,
    reason,
    trn: teacher.trn,
    email: teacher.email,
    firstName: teacher.firstName,
    lastName: teacher.lastName,
    awardDate,
  };
  return { kind: invitationKinds[award], payload, dedupeKey: invitationDedupeKey(award, teacher.trn) };
}

/** One invitation per award per TRN, ever (qts keeps the key rows already carry). */
export function invitationDedupeKey(award: Award, trn: string): string {
  return `${invitationKinds[award]}:${trn}`;
}
