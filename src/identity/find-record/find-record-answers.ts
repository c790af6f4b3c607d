// Parsing what the teacher types to find their record: names, and how they identify the record
// (TRN, National Insurance number, or training provider and award year). Dates of birth use the
// registration journey's rule (register-answers.ts).
import { hasBidiControl } from "../../text/names";
import type { RecordIdentifier } from "../journey/journey-state";

export type FieldError = { field: string; message: string };
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Letters (any alphabet, with accents), spaces, hyphens and apostrophes; at least one letter. */
const namePattern = /^[\p{L}\p{M}' \u2019\u2010.-]+$/u;

function parseName(input: string | undefined, field: string, what: string, required: boolean): { value: string | null; error?: FieldError } {
  const name = (input ?? "").normalize("NFC").trim().replace(/\s+/g, " ");
  if (name === "") return required ? { value: null, error: { field, message: `Enter your ${what}` } } : { value: null };
  if (name.length > 100) return { value: null, error: { field, message: `${capitalise(what)} must be 100 characters or fewer` } };
  if (hasBidiControl(name) || !namePattern.test(name) || !/\p{L}/u.test(name))
    return { value: null, error: { field, message: `${capitalise(what)} must only include letters, spaces, hyphens and apostrophes` } };
  return { value: name };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export interface Names {
  firstName: string;
  lastName: string;
  previousLastName: string | null;
}

/** "What is your name?": first and last name required; a previous last name when "yes". */
export function parseNames(form: Record<string, string | undefined>): Parsed<Names> {
  const first = parseName(form.firstName, "first-name", "first name", true);
  const last = parseName(form.lastName, "last-name", "last name", true);
  const errors = [first.error, last.error].filter((e): e is FieldError => e !== undefined);
  let previous: string | null = null;
  if (form.hasPreviousName !== "yes" && form.hasPreviousName !== "no")
    errors.push({ field: "has-previous-name", message: "Select yes if you have had a different last name" });
  if (form.hasPreviousName === "yes") {
    const parsed = parseName(form.previousLastName, "previous-last-name", "previous last name", true);
    if (parsed.error) errors.push(parsed.error);
    previous = parsed.value;
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { firstName: first.value!, lastName: last.value!, previousLastName: previous } };
}

/**
 * A National Insurance number as HMRC issues them: two prefix letters (not D, F, I, Q, U or V; the
 * second not O; not BG, GB, KN, NK, NT, TN or ZZ), six digits, and a suffix A to D. Spaces and
 * lower case are forgiven. Returns it upper-cased without spaces, or undefined.
 */
export function normaliseNino(input: string): string | undefined {
  const nino = input.toUpperCase().replace(/[\s-]/g, "");
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(nino)) return undefined;
  if (["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].includes(nino.slice(0, 2))) return undefined;
  return nino;
}

/** "How can we find your record?": one of TRN, NI number, provider and award year, or none. */
export function parseIdentifier(form: Record<string, string | undefined>, now = new Date()): Parsed<RecordIdentifier> {
  const fail = (field: string, message: string): Parsed<RecordIdentifier> => ({ ok: false, errors: [{ field, message }] });
  switch (form.identifier) {
    case "trn": {
      const trn = (form.trn ?? "").replace(/\s/g, "");
      if (trn === "") return fail("trn", "Enter your teacher reference number (TRN)");
      if (!/^\d{7}$/.test(trn)) return fail("trn", "Enter a TRN that is 7 digits, like 1234567");
      return { ok: true, value: { kind: "trn", trn } };
    }
    case "nino": {
      const typed = (form.nino ?? "").trim();
      if (typed === "") return fail("nino", "Enter your National Insurance number");
      const nino = normaliseNino(typed);
      if (!nino) return fail("nino", "Enter a National Insurance number in the correct format, like QQ 12 34 56 C");
      return { ok: true, value: { kind: "nino", nino } };
    }
    case "provider": {
      const errors: FieldError[] = [];
      const providerName = (form.providerName ?? "").normalize("NFC").trim().replace(/\s+/g, " ");
      if (providerName === "") errors.push({ field: "provider-name", message: "Enter the name of your teacher training provider" });
      else if (providerName.length > 200 || hasBidiControl(providerName))
        errors.push({ field: "provider-name", message: "Training provider name must be 200 characters or fewer" });
      const yearText = (form.awardYear ?? "").trim();
      const year = Number(yearText);
      if (yearText === "") errors.push({ field: "award-year", message: "Enter the year you were awarded QTS" });
      else if (!/^\d{4}$/.test(yearText)) errors.push({ field: "award-year", message: "Year must be 4 numbers, like 2015" });
      else if (year < 1950 || year > now.getUTCFullYear())
        errors.push({ field: "award-year", message: `Year must be between 1950 and ${now.getUTCFullYear()}` });
      if (errors.length) return { ok: false, errors };
      return { ok: true, value: { kind: "provider", providerName, awardYear: year } };
    }
    case "none":
      return { ok: true, value: { kind: "none" } };
    default:
      return fail("identifier", "Select how we can find your teaching record");
  }
}

/** How an identifier is shown on check answers and to support. */
export function describeIdentifier(id: RecordIdentifier): { key: string; value: string }[] {
  switch (id.kind) {
    case "trn":
      return [{ key: "Teacher reference number (TRN)", value: id.trn }];
    case "nino":
      return [{ key: "National Insurance number", value: `${id.nino.slice(0, 2)} ${id.nino.slice(2, 4)} ${id.nino.slice(4, 6)} ${id.nino.slice(6, 8)} ${id.nino.slice(8)}` }];
    case "provider":
      return [
        { key: "Teacher training provider", value: id.providerName },
        { key: "Year awarded QTS", value: String(id.awardYear) },
      ];
    case "none":
      return [{ key: "TRN, National Insurance number or training provider", value: "I do not have any of these" }];
  }
}
