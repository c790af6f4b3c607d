import { z } from "zod";

export const createTrnTokenSchema = z.object({
  trn: z.string({ error: "TRN is required" }).regex(/^[0-9]{7}$/, "TRN must be 7 digits"),
  email: z
    .string({ error: "Email is required" })
    .trim()
    .toLowerCase()
    .max(254, "Email must be 254 characters or fewer")
    .pipe(z.email({ error: "Email must be a valid email address" })),
});
export type CreateTrnToken = z.output<typeof createTrnTokenSchema>;
