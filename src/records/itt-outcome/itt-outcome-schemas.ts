// PUT /v2/teachers/{trn}/itt-outcome?birthdate=YYYY-MM-DD: its input and answer, as the route
// parses and gives them and as records' OpenAPI document describes them (src/records/openapi.ts).
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";
import { isIsoDate, todayInUk } from "../dates";

export const ittOutcomes = ["Pass", "Fail", "Withdrawn", "Deferred", "DeferredForSkillsTests"] as const;
export type IttOutcome = (typeof ittOutcomes)[number];

export const trnSchema = z
  .string()
  .regex(/^\d{7}$/, "must be 7 digits")
  .meta({ description: "Teacher reference number: 7 digits.", examples: ["1234567"] });

export const trnParams = z.object({ trn: trnSchema });

const isoDate = (name: string) =>
  z
    .string({ error: `${name} must be a date in the format YYYY-MM-DD` })
    .refine(isIsoDate, `${name} must be a real date in the format YYYY-MM-DD`);

export const ittOutcomeQuery = z.object({
  birthdate: z
    .string({ error: "birthdate is required (YYYY-MM-DD)" })
    .refine(isIsoDate, "birthdate must be a real date in the format YYYY-MM-DD")
    .meta({ description: "The teacher's date of birth (YYYY-MM-DD): it must match the record.", format: "date" }),
});

export const ittOutcomeBody = z
  .object(
    {
      ittProviderUkprn: z
        .string({ error: "ittProviderUkprn is required (the provider's 8-digit UKPRN, as a string)" })
        .regex(/^\d{8}$/, "ittProviderUkprn must be 8 digits")
        .meta({ description: "The ITT provider's UKPRN.", examples: ["10000001"] }),
      outcome: z.enum(ittOutcomes, {
        error: `outcome is required and must be one of ${ittOutcomes.join(", ")}`,
      }),
      assessmentDate: isoDate("assessmentDate")
        .nullish()
        .meta({ description: "Required when outcome is Pass (the QTS date; not in the future), and not given otherwise.", format: "date" }),
    },
    { error: "The body must be a JSON object (Content-Type: application/json)." },
  )
  .superRefine((body, ctx) => {
    if (body.outcome === "Pass") {
      if (!body.assessmentDate) {
        ctx.addIssue({ code: "custom", path: ["assessmentDate"], message: "assessmentDate is required when outcome is Pass" });
      } else if (body.assessmentDate > todayInUk()) {
        ctx.addIssue({ code: "custom", path: ["assessmentDate"], message: "assessmentDate must not be in the future" });
      }
    } else if (body.assessmentDate != null) {
      ctx.addIssue({
        code: "custom",
        path: ["assessmentDate"],
        message: "assessmentDate must not be given unless outcome is Pass",
      });
    }
  });

export type IttOutcomeBody = z.output<typeof ittOutcomeBody>;

export const ittOutcomeResult = z.object({
  trn: trnSchema,
  qtsDate: z.iso.date().nullable().meta({ description: "The teacher's QTS date, when they have QTS." }),
});

export type IttOutcomeResult = z.output<typeof ittOutcomeResult>;

export const putIttOutcome = defineOperation({
  method: "PUT",
  path: "/v2/teachers/:trn/itt-outcome",
  operationId: "setIttOutcome",
  tag: "ITT outcomes",
  summary: "Record a trainee's ITT outcome",
  description:
    "Sets the result of the trainee's initial teacher training with this provider. A Pass awards QTS on assessmentDate and emails the teacher a link to create their Teacher ID account. Repeating the same call is safe: the same answer, no second email.",
  scope: "itt_outcome:write",
  params: trnParams,
  query: ittOutcomeQuery,
  body: ittOutcomeBody,
  responses: {
    200: { description: "Recorded.", body: ittOutcomeResult },
    ...commonProblems([413, 415]),
    400: { problem: true, description: "Not valid (`errors` names each field), or 10005: no ITT record for this provider can take this outcome." },
    404: { problem: true, description: "10001: no teacher with this TRN and date of birth." },
    409: { problem: true, description: "10002: more than one teacher with this TRN; 10003: the teacher already has a different QTS date." },
  },
});
