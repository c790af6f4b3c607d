// POST /v2/teachers/find (scope teachers:match, held by identity only): what a teacher told
// identity's "Create an account without a link", asked against records. Its input and its two
// answers, as the route parses and gives them and as records' OpenAPI document describes them.
// A 400 is about the form of the input only, never about whether anyone has these details.
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";
import { bidiControlMessage, hasBidiControl } from "../../text/names";
import { isIsoDate, todayInUk } from "../dates";
import { isNino, normaliseNino } from "./normalise";

const name = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(100, `${field} must be 100 characters or fewer`)
    .refine((v) => !hasBidiControl(v), `${field} ${bidiControlMessage}`);

const thisYear = () => Number(todayInUk().slice(0, 4));

export const findTeacherBody = z
  .object({
    lastName: name("lastName").meta({ description: "The teacher's last name now." }),
    previousLastNames: z
      .array(name("previousLastNames"), { error: "previousLastNames must be a list of names" })
      .max(5, "previousLastNames must have 5 names or fewer")
      .optional()
      .meta({ description: "Last names the teacher had before (e.g. a maiden name), at most 5." }),
    firstName: name("firstName").optional().meta({ description: "Kept for support; not used to match." }),
    dateOfBirth: z
      .string({ error: "dateOfBirth is required (YYYY-MM-DD)" })
      .refine(isIsoDate, "dateOfBirth must be a real date in the format YYYY-MM-DD")
      .refine((d) => d < todayInUk(), "dateOfBirth must be in the past")
      .meta({ format: "date" }),
    trn: z.string({ error: "trn must be a string" }).regex(/^\d{7}$/, "trn must be 7 digits").optional(),
    nationalInsuranceNumber: z
      .string({ error: "nationalInsuranceNumber must be a string" })
      .max(20, "nationalInsuranceNumber must be a National Insurance number, like QQ 12 34 56 C")
      .transform(normaliseNino)
      .refine(isNino, "nationalInsuranceNumber must be a National Insurance number: 2 letters, 6 numbers, then A, B, C or D")
      .optional()
      .meta({ description: "UK National Insurance number; spaces and lower case are accepted.", examples: ["AB123456C"] }),
    ittProviderName: z
      .string({ error: "ittProviderName must be a string" })
      .trim()
      .min(1, "ittProviderName must not be empty")
      .max(200, "ittProviderName must be 200 characters or fewer")
      .refine((v) => !hasBidiControl(v), `ittProviderName ${bidiControlMessage}`)
      .optional()
      .meta({ description: "The teacher's training provider: its name, or its 8-digit UKPRN. Counts only with awardYear." }),
    awardYear: z
      .int({ error: "awardYear must be a whole number, the year QTS was awarded" })
      .min(1900, "awardYear must be 1900 or later")
      .refine((y) => y <= thisYear(), "awardYear must not be in the future")
      .optional()
      .meta({ description: "The year QTS was awarded. Counts only with ittProviderName." }),
  })
  .strict();

export type FindTeacherBody = z.output<typeof findTeacherBody>;

export const findTeacherResult = z
  .union([
    z.object({ match: z.literal("unique"), trn: z.string().regex(/^\d{7}$/) }),
    z.object({ match: z.literal("none") }),
  ])
  .meta({ description: "`unique` with the TRN for a strong match exactly one record meets; `none` otherwise, whatever the reason." });

export const findTeacher = defineOperation({
  method: "POST",
  path: "/v2/teachers/find",
  operationId: "findTeacher",
  tag: "Teachers",
  summary: "Find a teacher's TRN from what they say about themselves",
  description:
    "For Teacher ID's \"Create an account without a link\". Answers a TRN only for a strong match that exactly one record meets: " +
    "last name (or a previous one) and date of birth, plus the TRN or the National Insurance number, or, without those, plus the " +
    "training provider and the year QTS was awarded. Names are compared ignoring case, accents, hyphens, apostrophes and spaces. " +
    "Otherwise `{\"match\":\"none\"}`, which never says which answer was wrong or whether a record exists. " +
    "Limited per client (TEACHER_MATCH_RATE_LIMIT a minute).",
  scope: "teachers:match",
  body: findTeacherBody,
  responses: {
    200: { description: "The answer: a unique match with its TRN, or none.", body: findTeacherResult },
    ...commonProblems([400, 413, 415]),
  },
});
