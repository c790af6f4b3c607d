// What the change request forms send, as records takes it, and records' answer as the form's errors.
// records checks every rule (names, dates, the evidence file's type and size) and words its messages
// for the teacher; access only turns the date's three boxes into one date and puts each message
// beside its field.
import { formFields } from "../../web/html";
import type { FormErrors } from "./form-fields";
import type { DateAnswers, NameAnswers } from "./change-request-pages";

export type ChangeKind = "name" | "dateOfBirth";

/** The file (or files) under `evidence`, as the browser sent them; records decides what they are. */
export function evidenceFiles(body: unknown): File[] {
  const value = (body as Record<string, unknown> | undefined)?.evidence;
  return (Array.isArray(value) ? value : [value]).filter((v): v is File => v instanceof File);
}

export function nameAnswers(body: unknown): NameAnswers {
  const fields = formFields(body);
  return { firstName: fields.firstName ?? "", middleName: fields.middleName ?? "", lastName: fields.lastName ?? "" };
}

export function dateAnswers(body: unknown): DateAnswers {
  const fields = formFields(body);
  return { day: (fields.day ?? "").trim(), month: (fields.month ?? "").trim(), year: (fields.year ?? "").trim() };
}

/** The three boxes as YYYY-MM-DD, or the error to show (GOV.UK's date input messages). */
export function dateOfBirthFrom(answers: DateAnswers): { ok: true; value: string } | { ok: false; field: string; message: string } {
  const { day = "", month = "", year = "" } = answers;
  if (!day && !month && !year) return { ok: false, field: "date-of-birth", message: "Enter your date of birth" };
  const missing = (["day", "month", "year"] as const).filter((part) => !answers[part]);
  if (missing.length > 0) {
    return { ok: false, field: `date-of-birth-${missing[0]}`, message: `Date of birth must include a ${missing.join(" and ")}` };
  }
  if (![day, month, year].every((part) => /^\d+$/.test(part)) || year.length !== 4) {
    return { ok: false, field: "date-of-birth", message: "Date of birth must be a real date" };
  }
  const [d, m, y] = [Number(day), Number(month), Number(year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { ok: false, field: "date-of-birth", message: "Date of birth must be a real date" };
  }
  return { ok: true, value: date.toISOString().slice(0, 10) };
}

/** records' field names -> the page's field ids, in the page's order (the error summary's order). */
const fieldIds: Record<ChangeKind, [string, string][]> = {
  name: [
    ["name", "first-name"],
    ["firstName", "first-name"],
    ["middleName", "middle-name"],
    ["lastName", "last-name"],
    ["evidence", "evidence"],
  ],
  dateOfBirth: [
    ["dateOfBirth", "date-of-birth-day"],
    ["evidence", "evidence"],
  ],
};

/** records' `errors` as the page's: the first message of each field, beside it. */
export function formErrorsFrom(kind: ChangeKind, errors: Record<string, string[]>): FormErrors {
  const out: FormErrors = {};
  for (const [field, id] of fieldIds[kind]) {
    const message = errors[field]?.[0];
    if (message && !out[id]) out[id] = message;
  }
  // A field the page does not have (none today): still shown, on the first field, never dropped.
  const known = new Set(fieldIds[kind].map(([field]) => field));
  const other = Object.entries(errors).find(([field, messages]) => !known.has(field) && messages.length > 0);
  if (other) out[fieldIds[kind][0][1]] ??= other[1][0];
  return out;
}
