// The Users API: what its routes parse and answer, and what identity's OpenAPI document says of it
// (src/identity/openapi.ts), from these same schemas.
import { z } from "zod";
import { commonProblems, defineOperation } from "../../openapi/operation";

const trn = z
  .string({ error: "TRN is required" })
  .regex(/^[0-9]{7}$/, "TRN must be 7 digits")
  .meta({ description: "Teacher reference number: 7 digits.", examples: ["1234567"] });

export const apiUserSchema = z
  .object({
    sub: z.string().meta({ description: "The account's id: the `sub` of the tokens its teacher signs in with. Never reused." }),
    email: z.string().meta({ description: "Lower-cased." }),
    emailVerified: z.boolean(),
    givenName: z.string().nullable(),
    familyName: z.string().nullable(),
    preferredName: z.string().nullable().meta({ description: "What the teacher asked to be called, if anything." }),
    dateOfBirth: z.iso.date().nullable(),
    trn: trn.nullable().meta({ description: "The TRN bound to the account (verified against the teaching record), or null." }),
    phoneNumber: z
      .string()
      .nullable()
      .optional()
      .meta({ description: "E.164. Present only when the client's token has the scope `phone` as well as users:read." }),
    phoneNumberVerified: z.boolean().optional().meta({ description: "Present only with the scope `phone`." }),
    createdUtc: z.iso.datetime(),
    updatedUtc: z.iso.datetime(),
  })
  .meta({ description: "A Teacher ID account." });
export type ApiUser = z.output<typeof apiUserSchema>;

export const userListSchema = z.object({
  users: z.array(apiUserSchema).meta({ description: "Oldest account first." }),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: "Pass it as `cursor` for the next page; null on the last page." }),
});
export type UserList = z.output<typeof userListSchema>;

export const defaultPageSize = 50;
export const maxPageSize = 100;

export const listUsersQuery = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(254, "email must be 254 characters or fewer")
    .pipe(z.email({ error: "email must be a valid email address" }))
    .optional()
    .meta({ description: "Only the account with this email address (case does not matter).", format: "email" }),
  trn: trn.optional().meta({ description: "Only the account bound to this TRN." }),
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, `limit must be a whole number from 1 to ${maxPageSize}`)
    .transform(Number)
    .pipe(z.int().min(1, `limit must be a whole number from 1 to ${maxPageSize}`).max(maxPageSize, `limit must be a whole number from 1 to ${maxPageSize}`))
    .optional()
    .meta({ description: `Accounts per page, 1 to ${maxPageSize} (default ${defaultPageSize}).`, examples: ["50"] }),
  cursor: z
    .string()
    .max(200, "cursor is not one this API gave")
    .optional()
    .meta({ description: "The `nextCursor` of the previous page. Opaque: do not make one up." }),
});
export type ListUsersQuery = z.output<typeof listUsersQuery>;

export const userParams = z.object({
  sub: z
    .string()
    .min(1)
    .max(100, "sub is not an account id")
    .meta({ description: "The account's id (the `sub` claim of its tokens)." }),
});

export const bindTrnBody = z.object({ trn }, { error: "Send a JSON object with trn." }).meta({ description: "The TRN to bind to the account." });

const conflicts = {
  description:
    "`errorCode` trn_bound_to_another_account: another account holds this TRN. `errorCode` account_has_another_trn: the account is bound to a different TRN (a TRN is never replaced through this API).",
  problem: true,
};

export const listUsers = defineOperation({
  method: "GET",
  path: "/api/v1/users",
  operationId: "listUsers",
  tag: "Users",
  summary: "Find Teacher ID accounts",
  description:
    "Pages through accounts, oldest first, or finds the one with an email address or a TRN (each belongs to at most one account). Phone numbers appear only with the scope `phone`.",
  scope: "users:read",
  query: listUsersQuery,
  responses: {
    200: { description: "A page of accounts (empty when none matches).", body: userListSchema },
    ...commonProblems([400]),
  },
});

export const getUser = defineOperation({
  method: "GET",
  path: "/api/v1/users/:sub",
  operationId: "getUser",
  tag: "Users",
  summary: "Read one Teacher ID account",
  scope: "users:read",
  params: userParams,
  responses: {
    200: { description: "The account.", body: apiUserSchema },
    ...commonProblems([400, 404]),
  },
});

export const bindUserTrn = defineOperation({
  method: "PUT",
  path: "/api/v1/users/:sub/trn",
  operationId: "bindUserTrn",
  tag: "Users",
  summary: "Bind a TRN to a Teacher ID account",
  description:
    "Checks the TRN against the teaching record (the teacher must exist there), binds it to the account and records a TrnBound event. Binding the TRN the account already has changes nothing and answers 200.",
  scope: "users:write",
  params: userParams,
  body: bindTrnBody,
  responses: {
    200: { description: "The account, bound to the TRN.", body: apiUserSchema },
    ...commonProblems([400, 404, 413, 415]),
    400: { problem: true, description: "Not valid (`errors` names each field), or no teacher has this TRN in the teaching record (`errors.trn`)." },
    409: conflicts,
    503: { problem: true, description: "The teaching record cannot be reached (or the database is busy): nothing was changed. Try again after Retry-After seconds." },
  },
});
