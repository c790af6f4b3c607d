// POST /interaction/{requestId}/new-link: "Email me a new link" on the expired-link page.
import { Elysia } from "elysia";
import { htmlResponse } from "../../web/html";
import { ipOf, type RouteContext } from "../journey/journey-guard";
import type { JourneyDeps } from "../journey/journey-deps";
import { readNewLinkRequest } from "../oidc/hand-off";
import { hitRateLimit } from "../rate-limit/rate-limit";
import { tooManyRequests } from "../rate-limit/rate-limit-pages";
import { NewLinkSentPage } from "./new-link-pages";
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
  return new Elysia({ name: "identity-new-link" }).post("/interaction/:requestId/new-link", (c) => {
    const ctx = c as unknown as RouteContext;
    const limit = hitRateLimit(db, `send:ip:${ipOf(deps, ctx)}`, { limit: config.CODE_SEND_LIMIT_PER_IP, windowMs: config.RATE_LIMIT_WINDOW });
    if (!limit.allowed) return tooManyRequests(brand, { retryAt: limit.retryAt, backLink: "/", what: "You have asked for too many new links." });
    const request = readNewLinkRequest(db, ctx.params?.requestId ?? "");
    if (request) {
      sendNewLink(serviceDeps, { tokenHash: request.trnTokenHash, initiateLoginUri: request.initiateLoginUri });
      deps.nudgeOutbox();
    }
    // The same reply for every token, valid or not.
    return htmlResponse(<NewLinkSentPage brand={brand} />);
  });
}
