// The TRN token in the magic link from the QTS email. access only checks its shape; identity
// decides whether it is known, unused and in date.

/** A TRN token as identity issues them: base64url, long enough to be random, short enough to be sane. */
export const trnTokenPattern = /^[A-Za-z0-9_-]{16,256}$/;

export type TrnTokenParam = { ok: true; trnToken: string } | { ok: false; present: boolean; length: number };

/** The link's `trn_token`, if it was given once and looks like one. */
export function readTrnToken(value: string | undefined): TrnTokenParam {
  if (value !== undefined && trnTokenPattern.test(value)) return { ok: true, trnToken: value };
  return { ok: false, present: value !== undefined, length: value?.length ?? 0 };
}
