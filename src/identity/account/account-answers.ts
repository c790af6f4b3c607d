// Parsing what a teacher types on /account. Mobile numbers and preferred names follow the same
// rules as registration (register-answers.ts); email addresses the same rules as sign-in.
import { z } from "zod";
import { normaliseEmail } from "../accounts/accounts";
import type { Parsed } from "../register/register-answers";

const emailSchema = z
  .string()
  .trim()
  .min(1, "Enter your new email address")
  .max(254, "Email address must be 254 characters or fewer")
  .pipe(z.email("Enter an email address in the correct format, like name@example.com"));

/** A new email address, lower-cased; it must differ from the current one. */
export function parseNewEmail(input: string | undefined, current: string): Parsed<string> {
  const parsed = emailSchema.safeParse(input ?? "");
  if (!parsed.success) return { ok: false, field: "email", message: parsed.error.issues[0].message };
  const email = normaliseEmail(parsed.data);
  if (email === current) return { ok: false, field: "email", message: "This is already your email address. Enter a different one" };
  return { ok: true, value: email };
}

/**
 * A school, college or university address: the teacher loses it when they move jobs, so they are
 * asked "are you sure". UK schools (.sch.uk) and universities (.ac.uk), .edu (and .edu.au and the like), and any
 * domain with "school" in it.
 */
export function isSchoolOrUniversityAddress(email: string): boolean {
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  const labels = domain.split(".");
  const endsWith = (...tail: string[]) => labels.length > tail.length && tail.every((label, i) => labels[labels.length - tail.length + i] === label);
  return endsWith("sch", "uk") || endsWith("ac", "uk") || labels.slice(1).includes("edu") || domain.includes("school");
}
