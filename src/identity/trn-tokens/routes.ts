// POST /trn-tokens (records calls it after an award): bearer token with scope trn_token:write.
// The reply also says whether an account already holds the TRN (`accountExists`): records then
// sends a sign-in link instead of a registration link. The token is issued either way (unused, it
// expires), so the answer's shape and timing do not depend on it.
import { Elysia } from "elysia";
import { parseOrProblem, problemResponse } from "../../web/problem";
import { readBodyText } from "../../web/request-body";
import type { OidcContext } from "../oidc/context";
import { createTrnTokenSchema } from "./schemas";
import { findAccountByTrn } from "../accounts/accounts";
import { issueTrnToken } from "./trn-tokens";

export function trnTokenRoutes(ctx: OidcContext) {
  return new Elysia({ name: "identity-trn-tokens" }).post(
    "/trn-tokens",
    async ({ request }) => {
      const claims = await ctx.accessTokens.verify(request.headers.get("authorization"), "trn_token:write");
      if (claims instanceof Response) return claims;
      // Read within its limit (an oversized body is a 413 from the web layer, not a 400 here).
      const text = await readBodyText(request);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return problemResponse({ title: "The request body could not be read.", status: 400, detail: "Send a JSON object." });
      }
      const parsed = parseOrProblem(createTrnTokenSchema, body ?? {});
      if (!parsed.ok) return parsed.response;
      const issued = issueTrnToken(ctx.db, { ...parsed.value, clientId: claims.client_id }, { ttlMs: ctx.trnTokenTtlMs });
      const accountExists = findAccountByTrn(ctx.db, parsed.value.trn) !== undefined;
      return new Response(JSON.stringify({ ...issued, accountExists }), {
        status: 201,
        headers: { "content-type": "application/json", "cache-control": "no-store" },
      });
    },
  );
}
