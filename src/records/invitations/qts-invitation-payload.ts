// The outbox payload of a QTS invitation. `link` and `expiresUtc` are added by the worker before
// it sends, so a retry reuses the same TRN token; the link is removed once the email is sent.
export const qtsInvitationKind = "qts-invitation";

export interface QtsInvitationPayload {
  trn: string;
  email: string;
  firstName: string;
  lastName: string;
  qtsDate: string;
  link?: string;
  expiresUtc?: string;
  /** Set when the sent email's link has been removed from the stored payload. */
  linkRemoved?: boolean;
}
