// How records compares what a teacher types with what DQT holds (POST /v2/teachers/find). The
// rules are documented in docs/CONTRACTS.md ("Finding a teacher's record"); change both together.

/** Letters NFKD does not take apart into a base letter and a mark. */
const foldedLetters: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
};
const foldable = new RegExp(`[${Object.keys(foldedLetters).join("")}]`, "g");

/**
 * A name as compared: Unicode NFKD, combining marks removed (é -> e), lower case, the few letters
 * NFKD keeps whole folded (ß -> ss, æ -> ae, ø -> o, ł -> l ...), then everything that is not a
 * letter or a digit removed (hyphens, apostrophes, spaces, full stops). "O'Brien-Smith" and
 * "obrien smith" are the same name; "Zoë" and "ZOE" too.
 */
export function normaliseName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(foldable, (c) => foldedLetters[c])
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/**
 * The forms of one last name that count as it: the whole name, and each part of a name of
 * several parts (split at spaces and hyphens), so that "Smith-Jones" is found by "Smith" and the
 * other way round. Parts shorter than 2 letters are left out.
 */
export function lastNameForms(name: string): string[] {
  const whole = normaliseName(name);
  const forms = whole ? [whole] : [];
  const parts = name.split(/[\s\p{Pd}]+/u).map(normaliseName).filter((p) => p.length >= 2);
  if (parts.length > 1) for (const part of parts) if (!forms.includes(part)) forms.push(part);
  return forms;
}

/** Words dropped from a training provider's name before comparing: "The University of X" is "University of X". */
const providerFillers = /\b(the|ltd|limited|plc|scitt)\b/g;

/** A provider's name as compared: normaliseName's rules, "&" as "and", and filler words dropped. */
export function normaliseProviderName(name: string): string {
  const words = name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/&/g, " and ").replace(providerFillers, " ");
  return normaliseName(words);
}

/** A National Insurance number as stored and compared: upper case, no spaces. */
export function normaliseNino(nino: string): string {
  return nino.replace(/\s+/g, "").toUpperCase();
}

/**
 * The UK National Insurance number format (HMRC NIM39110): two prefix letters (the first not D, F,
 * I, Q, U or V; the second not D, F, I, O, Q, U or V; not BG, GB, KN, NK, NT, TN or ZZ), six
 * digits, and a suffix A to D. Spaces and lower case are accepted; check normaliseNino's result.
 */
export function isNino(normalised: string): boolean {
  return /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(normalised) && !/^(BG|GB|KN|NK|NT|TN|ZZ)/.test(normalised);
}
