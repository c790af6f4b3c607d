// The Users API, for other services with client credentials: GET /api/v1/users, GET
// /api/v1/users/{sub} (scope users:read) and PUT /api/v1/users/{sub}/trn (scope users:write).
// Thin: each parses with its operation's schemas, calls users-service, answers.
import { Elysia } from "elysia";
import { enterBearerApi, type BearerApiDoor } from "../../api-rate-limit/bearer-api";
import type { AccessTokenClaims } from "../../auth/verify-access-token";
import type { Logger } from "../../log/logger";
import { notJson, parseOperationInput } from "../../openapi/operation";
import { problemResponse } from "../../web/problem";
import type { IdentityDatabaseFile } from "../db/database";
import { bindUserTrn, getUser, listUsers } from "./users-api-schemas";
import { bindTrn, findUser, listUsers as findUsers, toApiUser, type TeacherCheck } from "./users-service";

export interface UsersApiOptions {
  db: IdentityDatabaseFile;
  door: BearerApiDoor;
  /** Asks records whether a teacher has a TRN (identity's client, scope teachers:read). */
  teacherExists: TeacherCheck;
  logger: Logger;
}

const json = (body: unknown) => Response.json(body, { headers: { "cache-control": "no-store" } });
/** Phone numbers go only to a client whose token has `phone` as well. */
const withPhone = (claims: AccessTokenClaims) => claims.scope.split(" ").includes("phone");
const noSuchUser = () => problemResponse({ title: "Not found", status: 404, detail: "There is no Teacher ID account with this sub." });

export function usersApiRoutes(options: UsersApiOptions) {
  const { db, door, logger } = options;
  return new Elysia({ name: "identity-users-api" })
    .get(listUsers.path, async ({ request, server, set }) => {
      const claims = await enterBearerApi(door, { request, server, set }, listUsers.scope);
      if (claims instanceof Response) return claims;
      const parsed = parseOperationInput(listUsers, { url: request.url });
      if (!parsed.ok) return parsed.response;
      const outcome = findUsers(db, parsed.query, { withPhone: withPhone(claims) });
      if (!outcome.ok) {
        return problemResponse({ title: "One or more validation errors occurred.", status: 400, errors: { cursor: ["cursor is not one this API gave"] } });
      }
      return json(outcome.page);
    })
    .get(getUser.path, async ({ params, request, server, set }) => {
      const claims = await enterBearerApi(door, { request, server, set }, getUser.scope);
      if (claims instanceof Response) return claims;
      const parsed = parseOperationInput(getUser, { params });
      if (!parsed.ok) return parsed.response;
      const account = findUser(db, parsed.params.sub);
      return account ? json(toApiUser(account, { withPhone: withPhone(claims) })) : noSuchUser();
    })
    .put(bindUserTrn.path, async ({ params, body, request, server, set }) => {
      const claims = await enterBearerApi(door, { request, server, set }, bindUserTrn.scope);
      if (claims instanceof Response) return claims;
      const unsupported = notJson(request, "the TRN");
      if (unsupported) return unsupported;
      const parsed = parseOperationInput(bindUserTrn, { params, body });
      if (!parsed.ok) return parsed.response;
      const { sub } = parsed.params;
      const { trn } = parsed.body;
      const outcome = await bindTrn(db, options.teacherExists, { sub, trn, clientId: claims.client_id });
      // The phone number only with `phone`, though users:write alone may bind.
      const answer = (account: Parameters<typeof toApiUser>[0]) => json(toApiUser(account, { withPhone: withPhone(claims) }));
      switch (outcome.kind) {
        case "bound":
          logger.info("trn_bound", { client_id: claims.client_id, sub, via: "users-api" });
          return answer(outcome.account);
        case "unchanged":
          return answer(outcome.account);
        case "no-account":
          return noSuchUser();
        case "no-teacher":
          return problemResponse({
            title: "One or more validation errors occurred.",
            status: 400,
            errors: { trn: ["No teacher has this TRN in the teaching record"] },
          });
        case "records-unavailable":
          return problemResponse(
            { title: "Service unavailable", status: 503, detail: "The teaching record could not be checked. Nothing was changed: try again shortly." },
            { "retry-after": "5" },
          );
        case "trn-bound-elsewhere":
          return problemResponse({
            title: "Conflict",
            status: 409,
            errorCode: "trn_bound_to_another_account",
            detail: "Another Teacher ID account holds this TRN. Nothing was changed.",
          });
        case "account-has-other-trn":
          return problemResponse({
            title: "Conflict",
            status: 409,
            errorCode: "account_has_another_trn",
            detail: "This account is bound to a different TRN, which this API does not replace. Nothing was changed.",
          });
      }
    });
}
