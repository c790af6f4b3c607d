// POST /trn-tokens: its input and answer, as the route parses and gives them and as identity's
// OpenAPI document describes them (src/identity/openapi.ts).
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";

const trn = z
  .string({ error: "TRN is required" })
  .regex(/^[0-9]{7}$/, "TRN must be 7 digits")
  .meta({ description: "Teacher reference number: 7 digits.", examples: ["1234567"] });

const email = z
  .string({ error: "Email is required" })
  .trim()
  .toLowerCase()
  .max(254, "Email must be 254 characters or fewer")
  .pipe(z.email({ error: "Email must be a valid email address" }))
  .meta({ description: "Where the teacher gets the link; stored lower-cased." });

export const createTrnTokenSchema = z.object({ trn, email }, { error: "Send a JSON object with trn and email." });
export type CreateTrnToken = z.output<typeof createTrnTokenSchema>;

export const issuedTrnTokenSchema = z.object({
  trn,
  email: z.string(),
  trnToken: z.string().meta({ description: "The magic link's token: put it in the link, store it nowhere else. Works once." }),
  expiresUtc: z.iso.datetime().meta({ description: "When the token stops working (TRN_TOKEN_TTL after it was made)." }),
  accountExists: z.boolean().meta({ description: "An account already holds this TRN: send a sign-in link, not a registration link." }),
});

export const createTrnToken = defineOperation({
  method: "POST",
  path: "/trn-tokens",
  operationId: "createTrnToken",
  tag: "TRN tokens",
  summary: "Make a TRN token for a teacher's magic link",
  description:
    "records calls this after a QTS pass. The token stands for (TRN, email): the account created through the link is bound to the TRN.",
  scope: "trn_token:write",
  body: createTrnTokenSchema,
  responses: {
    201: { description: "Made.", body: issuedTrnTokenSchema },
    ...commonProblems([400, 413]),
  },
});
