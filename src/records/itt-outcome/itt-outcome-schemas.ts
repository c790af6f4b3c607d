// Input of PUT /v2/teachers/{trn}/itt-outcome?birthdate=YYYY-MM-DD.
import { z } from "zod";
import { isIsoDate, todayInUk } from "../dates";

export const ittOutcomes = ["Pass", "Fail", "Withdrawn", "Deferred", "DeferredForSkillsTests"] as const;
export type IttOutcome = (typeof ittOutcomes)[number];

export const trnSchema = z.string().regex(/^\d{7}$/, "must be 7 digits");

const isoDate = (name: string) =>
  z
    .string({ error: `${name} must be a date in the format YYYY-MM-DD` })
    .refine(isIsoDate, `${name} must be a real date in the format YYYY-MM-DD`);

export const ittOutcomeQuery = z.object({
  birthdate: z
    .string({ error: "birthdate is required (YYYY-MM-DD)" })
    .refine(isIsoDate, "birthdate must be a real date in the format YYYY-MM-DD"),
});

export const ittOutcomeBody = z
  .object({
    ittProviderUkprn: z
      .string({ error: "ittProviderUkprn is required (the provider's 8-digit UKPRN, as a string)" })
      .regex(/^\d{8}$/, "ittProviderUkprn must be 8 digits"),
    outcome: z.enum(ittOutcomes, {
      error: `outcome is required and must be one of ${ittOutcomes.join(", ")}`,
    }),
    assessmentDate: isoDate("assessmentDate").nullish(),
  })
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
