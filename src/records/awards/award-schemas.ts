// Bodies of PUT /v2/teachers/{trn}/qts, /eyts (scope qts:write) and /induction (scope induction:write).
import { z } from "zod";
import { isIsoDate, todayInUk } from "../dates";
import { qtsRoutes } from "../db/schema";

/** Statuses an induction can be given through the API (records also knows RequiredToComplete and None, from imports). */
export const apiInductionStatuses = ["InProgress", "Passed", "Failed", "Exempt"] as const;

const pastDate = (name: string) =>
  z
    .string({ error: `${name} is required (YYYY-MM-DD)` })
    .refine(isIsoDate, `${name} must be a real date in the format YYYY-MM-DD`)
    .refine((d) => d <= todayInUk(), `${name} must not be in the future`);

export const qtsBody = z.object({
  qtsDate: pastDate("qtsDate"),
  route: z.enum(qtsRoutes, { error: `route is required and must be one of ${qtsRoutes.join(", ")}` }),
});

export const eytsBody = z.object({ eytsDate: pastDate("eytsDate") });

export const inductionBody = z
  .object({
    status: z.enum(apiInductionStatuses, { error: `status is required and must be one of ${apiInductionStatuses.join(", ")}` }),
    startDate: pastDate("startDate").nullish(),
    completedDate: pastDate("completedDate").nullish(),
  })
  .superRefine((body, ctx) => {
    const finished = body.status === "Passed" || body.status === "Failed";
    if ((finished || body.status === "InProgress") && !body.startDate) {
      ctx.addIssue({ code: "custom", path: ["startDate"], message: `startDate is required when status is ${body.status}` });
    }
    if (finished && !body.completedDate) {
      ctx.addIssue({ code: "custom", path: ["completedDate"], message: `completedDate is required when status is ${body.status}` });
    }
    if (!finished && body.completedDate) {
      ctx.addIssue({ code: "custom", path: ["completedDate"], message: "completedDate must only be given when status is Passed or Failed" });
    }
    if (body.startDate && body.completedDate && body.completedDate < body.startDate) {
      ctx.addIssue({ code: "custom", path: ["completedDate"], message: "completedDate must not be before startDate" });
    }
  });

export type QtsBody = z.output<typeof qtsBody>;
export type EytsBody = z.output<typeof eytsBody>;
export type InductionBody = z.output<typeof inductionBody>;
