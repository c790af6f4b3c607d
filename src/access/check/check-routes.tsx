// GET /check/{code}: public (no sign-in), limited per client IP. Shows what a certificate says
// and whether it still stands: records is asked each time (GET /v2/teachers/{trn}, with access's
// own client-credentials token, scope teachers:read), so an award set aside since shows as withdrawn.
import { Elysia } from "elysia";
import { MemoryRateLimiter } from "../../rate-limit/leaky-bucket";
import { clientIp } from "../../web/client-ip";
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import { findCertificateByCode } from "../certificates/certificate-codes";
import { stillStands } from "../certificates/certificate-kinds";
import { fetchTeacherByTrn } from "../qualifications/records-client";
import { CheckPage, CheckUnavailablePage, TooManyChecksPage, UnknownCertificatePage, type CertificateStanding } from "./check-pages";

export function checkRoutes(ctx: AccessContext, options: { fetchWithToken: (url: string) => Promise<Response> }) {
  const limiter = new MemoryRateLimiter({ limit: ctx.config.ACCESS_CHECK_LIMIT_PER_IP, windowMs: 60_000 });
  return new Elysia({ name: "access-check" }).get("/check/:code", async ({ params, request, server }) => {
    const ip = clientIp(request, server, ctx.config.TRUST_PROXY);
    const admitted = limiter.hit(ip);
    if (!admitted.allowed) {
      ctx.log.warn("check_rate_limited", {});
      return htmlResponse(<TooManyChecksPage brand={ctx.brand} />, 429, {
        "retry-after": String(Math.max(1, Math.ceil((admitted.retryAt - Date.now()) / 1000))),
      });
    }
    const certificate = findCertificateByCode(ctx.db, params.code.toLowerCase());
    if (!certificate) {
      ctx.log.info("certificate_checked", { standing: "unknown" });
      return htmlResponse(<UnknownCertificatePage brand={ctx.brand} />, 404);
    }
    let standing: CertificateStanding;
    if (certificate.endedAt !== null) standing = "ended";
    else {
      const lookup = await fetchTeacherByTrn(ctx.config.urls.records, certificate.trn, options.fetchWithToken);
      if (lookup.ok) standing = stillStands(lookup.teacher, certificate) ? "valid" : "withdrawn";
      else if (lookup.reason === "no_record") standing = "withdrawn";
      else {
        ctx.log.error("check_records_unavailable", { reason: lookup.reason });
        return htmlResponse(<CheckUnavailablePage brand={ctx.brand} />, 503);
      }
    }
    ctx.log.info("certificate_checked", { standing, certificate: certificate.kind });
    return htmlResponse(
      <CheckPage
        brand={ctx.brand}
        standing={standing}
        certificate={{
          holderName: certificate.holderName,
          qualificationName: certificate.qualificationName,
          awardedDate: certificate.awardedDate,
          trnEnding: certificate.trn.slice(-3),
          issuer: ctx.config.CERTIFICATE_ISSUER_NAME,
        }}
      />,
      200,
      { "cache-control": "no-store", "referrer-policy": "no-referrer" },
    );
  });
}
