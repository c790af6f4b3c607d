// POST /v2/teachers/find (scope teachers:match): the door (token, client's limit, scope), then this
// endpoint's own, lower, per-client limit, JSON, the body's form, then the finder's answer.
import { Elysia } from "elysia";
import { enterBearerApi, type BearerApiDoor } from "../../api-rate-limit/bearer-api";
import type { ApiRateLimiter } from "../../api-rate-limit/api-rate-limiter";
import type { Logger } from "../../log/logger";
import { notJson, parseOperationInput } from "../../openapi/operation";
import { problemResponse } from "../../web/problem";
import type { RecordsDatabase } from "../db/database";
import { createTeacherFinder } from "./find-teacher";
import { findTeacher } from "./find-schemas";

export interface FindRoutesOptions {
  db: RecordsDatabase;
  door: BearerApiDoor;
  /** Per client, TEACHER_MATCH_RATE_LIMIT a minute: each request is a guess at someone's details. */
  matchLimiter: ApiRateLimiter;
  logger: Logger;
}

export function findRoutes(options: FindRoutesOptions) {
  const { door, matchLimiter, logger } = options;
  const find = createTeacherFinder(options.db);
  return new Elysia({ name: "records-find" }).post(findTeacher.path, async ({ body, request, server, set }) => {
    const claims = await enterBearerApi(door, { request, server, set }, findTeacher.scope);
    if (claims instanceof Response) return claims;
    const refused = matchLimiter.admit(set.headers, claims.client_id);
    if (refused) return refused;
    const unsupported = notJson(request, "the teacher's answers");
    if (unsupported) return unsupported;
    const parsed = parseOperationInput(findTeacher, { body });
    if (!parsed.ok) return parsed.response;
    const answer = find(parsed.body);
    // Nothing the teacher said is logged: only who asked and the outcome.
    logger.info("teacher_match", { clientId: claims.client_id, match: answer.match });
    return Response.json(answer, { headers: { "cache-control": "no-store" } });
  });
}

/**
 * GET (and HEAD) /v2/teachers/find reach GET /v2/teachers/{trn}'s route, since "find" fits {trn}:
 * that route answers them with this, the 405 the web layer gives any other method here.
 */
export function findTeacherWrongMethod(trn: string): Response | undefined {
  if (`/v2/teachers/${trn}` !== findTeacher.path) return undefined;
  const allow = "POST, OPTIONS";
  return problemResponse({ title: "Method not allowed", status: 405, detail: `This address accepts ${allow}.` }, { allow });
}
