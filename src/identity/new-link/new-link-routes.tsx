// "Email me a new link" on the expired-link page: POST /interaction/{requestId}/new-link sends (at
// most once per expired token), then redirects to GET of the same address, which says "Check your
// email" (POST-redirect-GET: refreshing that page, or going back to it, sends nothing).
import { Elysia } from "elysia";
import { htmlResponse, seeOther } from "../../web/html";
import { ipOf, queryParam, type RouteContext } from "../journey/journey-guard";
import { partlyMaskEmail } from "../accounts/accounts";
import { findTrnToken } from "../trn-tokens/trn-tokens";
import type { JourneyDeps } from "../journey/journey-deps";
import { readNewLinkRequest } from "../oidc/hand-off";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { tooManyRequests } from "../rate-limit/rate-limit-pages";
import { NewLinkSentPage } from "./new-link-pages";
import { newLinkPath } from "./new-link-paths";
import { sendNewLink } from "./new-link-service";

export function newLinkRoutes(deps: JourneyDeps & { trnTokenLifetimeMs: number }) {
  const { brand, db, config } = deps;
  const serviceDeps = {
    db,
    logger: deps.logger,
    trnTokenLifetimeMs: deps.trnTokenLifetimeMs,
    // Only the holder of an expired link can ask for a new one, so one limit per address is enough.
    sendLimitPerAddress: config.CODE_SEND_LIMIT_PER_ADDRESS_AND_IP,
    rateLimitWindowMs: config.RATE_LIMIT_WINDOW,
  };
  return (
    new Elysia({ name: "identity-new-link" })
      .post("/interaction/:requestId/new-link", (c) => {
        const ctx = c as unknown as RouteContext;
        const requestId = ctx.params?.requestId ?? "";
        const limit = hitRateLimit(db, `send:ip:${ipOf(deps, ctx)}`, { limit: config.CODE_SEND_LIMIT_PER_IP, windowMs: config.RATE_LIMIT_WINDOW });
        if (!limit.allowed) return tooManyRequests(brand, { retryAt: limit.retryAt, backLink: "/", what: "You have asked for too many new links." });
        const request = readNewLinkRequest(db, requestId);
        const sent = request ? sendNewLink(serviceDeps, { tokenHash: request.trnTokenHash, initiateLoginUri: request.initiateLoginUri }) : undefined;
        if (sent) deps.nudgeOutbox();
        return seeOther(sent ? `${newLinkPath(requestId)}?sent=1` : newLinkPath(requestId));
      })
      // Says where the new link went (partly masked), which only the holder of the expired link can
      // see: the request id is in no address but that link's own pages.
      .get("/interaction/:requestId/new-link", (c) => {
        const ctx = c as unknown as RouteContext;
        const sent = queryParam(ctx, "sent") === "1";
        const request = sent ? readNewLinkRequest(db, ctx.params?.requestId ?? "") : undefined;
        const token = request ? findTrnToken(db, request.trnTokenHash) : undefined;
        return htmlResponse(<NewLinkSentPage brand={brand} sentTo={token ? partlyMaskEmail(token.email) : undefined} />);
      })
  );
}
