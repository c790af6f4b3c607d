// How values appear in the audit log: enough for support to recognise a change with its owner,
// too little to be useful to anyone who reads the log. Empty values stay null.
import { partlyMaskEmail } from "../accounts/accounts";

export type MaskedField = "email" | "phone" | "name";

/** `jane.doe@example.com` -> `ja****e@example.com`; `+447911123456` -> `+44*******456`; `Noor Haddad` -> `N*** H*****`. */
export function maskValue(field: MaskedField, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (field === "email") return partlyMaskEmail(value);
  if (field === "phone") return value.length <= 6 ? "*".repeat(value.length) : value.slice(0, 3) + "*".repeat(value.length - 6) + value.slice(-3);
  return value
    .split(" ")
    .map((word) => (word ? word[0] + "*".repeat(Math.max(word.length - 1, 1)) : word))
    .join(" ");
}

/** One changed field for a UserUpdated payload: `{ old, new }`, both masked. */
export function maskedChange(field: MaskedField, before: string | null | undefined, after: string | null | undefined) {
  return { old: maskValue(field, before), new: maskValue(field, after) };
}
