// The problem+json body (RFC 9457, which replaced RFC 7807) every API error answers with, as
// src/web/problem.ts makes it. Responses in the API tests are checked against it.
import { z } from "zod";

export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: "about:blank, or a problem type URI (429: the RateLimit draft's quota-exceeded)." }),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string().optional(),
    errorCode: z.union([z.int(), z.string()]).optional().meta({ description: "The records API's error code (e.g. 10001: teacher not found)." }),
    errors: z.record(z.string(), z.array(z.string())).optional().meta({ description: "Each bad field, with its messages." }),
    "violated-policies": z.array(z.string()).optional().meta({ description: "429: the rate-limit policies exceeded." }),
  })
  .meta({ description: "An error (application/problem+json)." });
