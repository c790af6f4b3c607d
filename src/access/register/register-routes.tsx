// GET /register?trn_token= : the magic link in the QTS email (seed step 5).
import { Elysia } from "elysia";
import { clientIp } from "../../web/client-ip";
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import { singleQueryParam } from "../query-param";
import { redirectToIdentity } from "../sign-in/redirect-to-identity";
import { defaultReturnTo } from "../sessions/return-to";
import { beginSignIn } from "../sign-in/sign-in";
import { InvalidLinkPage } from "./register-pages";
import { readTrnToken } from "./trn-token";

export function registerRoutes(ctx: AccessContext) {
  return new Elysia({ name: "access-register" }).get("/register", async ({ request, server }) => {
    const link = readTrnToken(singleQueryParam(request, "trn_token"));
    if (!link.ok) {
      ctx.log.warn("magic_link_malformed", { present: link.present, length: link.length });
      return htmlResponse(<InvalidLinkPage brand={ctx.brand} />, 400);
    }
    // Opening the link only starts a sign-in: the token is consumed by identity, on a form POST.
    const cookieHeader = request.headers.get("cookie");
    const ip = clientIp(request, server, ctx.config.TRUST_PROXY);
    return redirectToIdentity(ctx, await beginSignIn(ctx, { cookieHeader, returnTo: defaultReturnTo, trnToken: link.trnToken, ip }));
  });
}
