// The text fields of POST /v3/teacher/name-changes and /date-of-birth-changes (multipart/form-data;
// the evidence file is checked on its own, evidence-file.ts). The messages speak to the teacher, as
// GOV.UK error messages do: this API acts for the signed-in teacher, and access shows them as they are.
import { z } from "zod";
import { isIsoDate, todayInUk } from "../dates";

// Letters of any script (with their accents), spaces, hyphens, apostrophes and full stops
// (St. John). Bidi controls and every other symbol are refused: a name is shown to people.
const nameCharacters = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

function namePart(label: string, options: { required: boolean }) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `Enter your ${label.toLowerCase()}` : `${label} must be text, given once`) })
    .transform((value) => value.normalize("NFC").trim().replace(/\s+/g, " "))
    .superRefine((value, ctx) => {
      const problem =
        value === ""
          ? options.required
            ? `Enter your ${label.toLowerCase()}`
            : undefined
          : value.length > 100
            ? `${label} must be 100 characters or less`
            : nameCharacters.test(value)
              ? undefined
              : `${label} must only include letters, spaces, hyphens, apostrophes and full stops`;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .transform((value) => (value === "" ? null : value));
}

export const nameChangeFields = z.object({
  firstName: namePart("First name", { required: true }).pipe(z.string()),
  middleName: z.preprocess((value) => value ?? "", namePart("Middle names", { required: false })),
  lastName: namePart("Last name", { required: true }).pipe(z.string()),
});

export const dateOfBirthChangeFields = z.object({
  dateOfBirth: z
    .string({ error: "Enter your date of birth (YYYY-MM-DD)" })
    .trim()
    .superRefine((value, ctx) => {
      const problem = !isIsoDate(value)
        ? "Date of birth must be a real date in the format YYYY-MM-DD"
        : value > todayInUk()
          ? "Date of birth must be in the past"
          : value < "1900-01-01"
            ? "Date of birth must be 1900 or later"
            : undefined;
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});
