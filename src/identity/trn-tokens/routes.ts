// POST /trn-tokens (records calls it after a QTS pass): bearer token with scope trn_token:write.
import { Elysia } from "elysia";
import { parseOrProblem, problemResponse } from "../../web/problem";
import type { OidcContext } from "../oidc/context";
import { createTrnTokenSchema } from "./schemas";
import { issueTrnToken } from "./trn-tokens";

export function trnTokenRoutes(ctx: OidcContext) {
  return new Elysia({ name: "identity-trn-tokens" }).post(
    "/trn-tokens",
    async ({ request }) => {
      const claims = await ctx.accessTokens.verify(request.headers.get("authorization"), "trn_token:write");
      if (claims instanceof Response) return claims;
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return problemResponse({ title: "The request body could not be read.", status: 400, detail: "Send a JSON object." });
      }
      const parsed = parseOrProblem(createTrnTokenSchema, body ?? {});
      if (!parsed.ok) return parsed.response;
      const issued = issueTrnToken(ctx.db, { ...parsed.value, clientId: claims.client_id }, { ttlMs: ctx.trnTokenTtlMs });
      return new Response(JSON.stringify(issued), {
        status: 201,
        headers: { "content-type": "application/json", "cache-control": "no-store" },
      });
    },
    { parse: "none" },
  );
}
