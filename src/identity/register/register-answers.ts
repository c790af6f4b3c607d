// Parsing the registration journey's answers: mobile numbers, preferred names, dates of birth, a
// different email address. /account uses the same rules (account-answers.ts).
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import { normaliseEmail } from "../accounts/accounts";
import { hasBidiControl } from "../../text/names";
import type { TeacherNames } from "../journey/journey-state";

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/** UK numbers as people write them (07911 123456) or international with a country code (+33 6 ...). */
export function parseMobileNumber(input: string): Parsed<string> {
  const text = input.trim();
  if (text === "") return { ok: false, field: "phone", message: "Enter your mobile number" };
  if (!/^[+()\d\s.-]+$/.test(text))
    return { ok: false, field: "phone", message: "Enter a mobile number using only numbers, spaces and a + sign" };
  const number = parsePhoneNumberFromString(text, "GB");
  if (!number || !number.isValid())
    return {
      ok: false,
      field: "phone",
      message: "Enter a mobile number in the correct format, like 07911 123456 or +33 6 12 34 56 78",
    };
  const type = number.getType();
  if (type !== undefined && type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE")
    return { ok: false, field: "phone", message: "Enter a mobile number, not a landline" };
  return { ok: true, value: number.number };
}

/** How a verified number is shown back: national for UK numbers, international otherwise. */
export function displayPhone(e164: string): string {
  const number = parsePhoneNumberFromString(e164);
  if (!number) return e164;
  return number.countryCallingCode === "44" ? number.formatNational() : number.formatInternational();
}

/** The names offered on "What name should we use?", from the teacher's record. */
export function preferredNameOptions(teacher: TeacherNames | undefined): string[] {
  if (!teacher) return [];
  const join = (...parts: (string | null)[]) => parts.filter((p) => p && p.trim()).join(" ");
  const options = [join(teacher.firstName, teacher.lastName), join(teacher.firstName, teacher.middleName, teacher.lastName)];
  return [...new Set(options.filter((o) => o !== ""))];
}

/**
 * What the error message promises is what is accepted: letters (any alphabet, with their accents),
 * spaces, hyphens and apostrophes (typed ' or ’), and at least one letter. So no digits, no
 * punctuation, no control or invisible characters, and no bidi controls (src/text/names.ts).
 */
const preferredNamePattern = /^[\p{L}\p{M}' \u2019\u2010-]+$/u;

export function parsePreferredName(options: string[], choice: string | undefined, other: string | undefined): Parsed<string> {
  if (choice === undefined || choice === "")
    return { ok: false, field: "name-choice", message: "Select the name you would like us to use" };
  if (choice === "other") {
    const name = (other ?? "").normalize("NFC").trim().replace(/\s+/g, " ");
    if (name === "") return { ok: false, field: "other-name", message: "Enter the name you would like us to use" };
    if (name.length > 100) return { ok: false, field: "other-name", message: "Name must be 100 characters or fewer" };
    if (hasBidiControl(name) || !preferredNamePattern.test(name) || !/\p{L}/u.test(name))
      return { ok: false, field: "other-name", message: "Name must only include letters, spaces, hyphens and apostrophes" };
    return { ok: true, value: name };
  }
  const index = Number(choice);
  if (!Number.isInteger(index) || index < 0 || index >= options.length)
    return { ok: false, field: "name-choice", message: "Select the name you would like us to use" };
  return { ok: true, value: options[index] };
}

export function parseDateOfBirth(input: { day?: string; month?: string; year?: string }, now = new Date()): Parsed<string> {
  const day = (input.day ?? "").trim();
  const month = (input.month ?? "").trim();
  const year = (input.year ?? "").trim();
  if (!day && !month && !year) return { ok: false, field: "date-of-birth", message: "Enter your date of birth" };
  const missing = [!day && "day", !month && "month", !year && "year"].filter(Boolean) as string[];
  if (missing.length === 1)
    return { ok: false, field: `date-of-birth-${missing[0]}`, message: `Date of birth must include a ${missing[0]}` };
  if (missing.length > 1)
    return { ok: false, field: `date-of-birth-${missing[0]}`, message: `Date of birth must include a ${missing.join(" and ")}` };
  if (![day, month, year].every((p) => /^\d+$/.test(p)) || year.length !== 4)
    return { ok: false, field: "date-of-birth", message: "Date of birth must be a real date" };
  const d = Number(day);
  const m = Number(month);
  const y = Number(year);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return { ok: false, field: "date-of-birth", message: "Date of birth must be a real date" };
  if (date.getTime() > now.getTime()) return { ok: false, field: "date-of-birth", message: "Date of birth must be in the past" };
  if (y < 1900) return { ok: false, field: "date-of-birth-year", message: "Date of birth must be after 1900" };
  const sixteen = new Date(Date.UTC(now.getUTCFullYear() - 16, now.getUTCMonth(), now.getUTCDate()));
  if (date.getTime() > sixteen.getTime())
    return { ok: false, field: "date-of-birth", message: "You must be 16 or older to have a Teacher ID account" };
  return { ok: true, value: `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}` };
}

/** yyyy-mm-dd -> "27 March 1990". */
export function displayDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your new email address")
  .max(254, "Email address must be 254 characters or fewer")
  .pipe(z.email("Enter an email address in the correct format, like name@example.com"));

/** A new email address, lower-cased; it must differ from the `current` one, when given. */
export function parseNewEmail(input: string | undefined, current?: string): Parsed<string> {
  const parsed = emailSchema.safeParse(input ?? "");
  if (!parsed.success) return { ok: false, field: "email", message: parsed.error.issues[0].message };
  const email = normaliseEmail(parsed.data);
  if (email === current) return { ok: false, field: "email", message: "This is already your email address. Enter a different one" };
  return { ok: true, value: email };
}

/**
 * A school, college or university address: the teacher loses it when they move jobs, so they are
 * warned (on /account, asked "are you sure"). UK schools (.sch.uk) and universities (.ac.uk), .edu (and .edu.au and the like), and any
 * domain with "school" in it.
 */
export function isSchoolOrUniversityAddress(email: string): boolean {
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const labels = domain.split(".");
  const endsWith = (...tail: string[]) => labels.length > tail.length && tail.every((label, i) => labels[labels.length - tail.length + i] === label);
  return endsWith("sch", "uk") || endsWith("ac", "uk") || labels.slice(1).includes("edu") || domain.includes("school");
}
