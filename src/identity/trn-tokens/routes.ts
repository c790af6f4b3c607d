// POST /trn-tokens (records calls it after an award): bearer token with scope trn_token:write.
// The reply also says whether an account already holds the TRN (`accountExists`): records then
// sends a sign-in link instead of a registration link. The token is issued either way (unused, it
// expires), so the answer's shape and timing do not depend on it.
import { Elysia } from "elysia";
import { enterBearerApi, type BearerApiDoor } from "../../api-rate-limit/bearer-api";
import { parseOperationInput } from "../../openapi/operation";
import { problemResponse } from "../../web/problem";
import { readBodyText } from "../../web/request-body";
import type { IdentityDatabaseFile } from "../db/database";
import { createTrnToken } from "./schemas";
import { findAccountByTrn } from "../accounts/accounts";
import { issueTrnToken } from "./trn-tokens";

export function trnTokenRoutes(options: { db: IdentityDatabaseFile; door: BearerApiDoor; trnTokenTtlMs: number }) {
  const { db, door } = options;
  return new Elysia({ name: "identity-trn-tokens" }).post(createTrnToken.path, async ({ request, server, set, body }) => {
    const claims = await enterBearerApi(door, { request, server, set }, createTrnToken.scope);
    if (claims instanceof Response) return claims;
    // A JSON body is already parsed by the web layer (read within its limit: an oversized body is a
    // 413; JSON that does not parse, a 400): parsing it again cost a decode and a JSON.parse per
    // token. Another Content-Type (or none) is read here as JSON, as before.
    let json: unknown = body;
    if (body === undefined || !request.headers.get("content-type")?.startsWith("application/json")) {
      try {
        json = JSON.parse(await readBodyText(request));
      } catch {
        return problemResponse({ title: "The request body could not be read.", status: 400, detail: "Send a JSON object." });
      }
    }
    const parsed = parseOperationInput(createTrnToken, { body: json ?? {} });
    if (!parsed.ok) return parsed.response;
    const issued = db.transaction((tx) => issueTrnToken(tx, { ...parsed.body, clientId: claims.client_id }, { ttlMs: options.trnTokenTtlMs }));
    // Whether an account already holds this TRN: records then sends "now on your record" with a
    // sign-in link instead of a registration link.
    const accountExists = findAccountByTrn(db, parsed.body.trn) !== undefined;
    return new Response(JSON.stringify({ ...issued, accountExists }), {
      status: 201,
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    });
  });
}
