// Bodies of PUT /v2/teachers/{trn}/qts, /eyts (scope qts:write) and /induction (scope induction:write).
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";
import { trnParams } from "../itt-outcome/itt-outcome-schemas";
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

const date = z.iso.date();
export const qtsResult = z.object({ trn: z.string(), qtsDate: date, route: z.string().nullable() });
export const eytsResult = z.object({ trn: z.string(), eytsDate: date });
export const inductionResult = z.object({
  trn: z.string(),
  status: z.string(),
  startDate: date.nullable(),
  completedDate: date.nullable(),
});

const awardProblems = {
  ...commonProblems([413, 415]),
  400: { problem: true, description: "Not valid: `errors` names each field." },
  404: { problem: true, description: "10001: no teacher with this TRN." },
  409: { problem: true, description: "10002: more than one teacher with this TRN; 10003: the teacher already has a different date for this award." },
} as const;

export const putQts = defineOperation({
  method: "PUT",
  path: "/v2/teachers/:trn/qts",
  operationId: "setQts",
  tag: "Awards",
  summary: "Record QTS reached by a route other than ITT",
  description: "Awards QTS on qtsDate by the route given (e.g. assessment only, overseas-trained). Emails the teacher once: a link to create their Teacher ID account, or, when they have one, that QTS is on their record. Repeating the call is safe.",
  scope: "qts:write",
  params: trnParams,
  body: qtsBody,
  responses: { 200: { description: "Recorded.", body: qtsResult }, ...awardProblems },
});

export const putEyts = defineOperation({
  method: "PUT",
  path: "/v2/teachers/:trn/eyts",
  operationId: "setEyts",
  tag: "Awards",
  summary: "Record early years teacher status",
  description: "Awards EYTS on eytsDate and emails the teacher once. Repeating the call is safe.",
  scope: "qts:write",
  params: trnParams,
  body: eytsBody,
  responses: { 200: { description: "Recorded.", body: eytsResult }, ...awardProblems },
});

export const putInduction = defineOperation({
  method: "PUT",
  path: "/v2/teachers/:trn/induction",
  operationId: "setInduction",
  tag: "Awards",
  summary: "Record a teacher's induction",
  description: "Sets the induction status and dates. A Passed induction emails the teacher once. Repeating the call is safe.",
  scope: "induction:write",
  params: trnParams,
  body: inductionBody,
  responses: { 200: { description: "Recorded.", body: inductionResult }, ...awardProblems },
});
