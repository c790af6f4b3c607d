// GET /qualifications/certificates/{qts,eyts,induction} and /npq/{id}: the signed-in teacher's
// certificate as a PDF, each download with a new verification code. POST .../{id}/stop ends a code.
import { Elysia } from "elysia";
import { htmlResponse, seeOther } from "../../web/html";
import type { AccessContext } from "../context";
import type { CertificateKind } from "../db/schema";
import { fullName } from "../display/format";
import { ownTeacherRecord } from "../qualifications/own-record";
import { NoCertificatePage } from "../qualifications/qualifications-pages";
import { requireSession } from "../sessions/require-session";
import { certificateAward } from "./certificate-kinds";
import { endCertificate, recordCertificate } from "./certificate-codes";
import { recordCertificateSize } from "./certificate-size";
import type { CertificateIssuer } from "./certificate-pdf";

const noCertificateTitles: Record<CertificateKind, string> = {
  qts: "You do not have a QTS certificate",
  eyts: "You do not have an EYTS certificate",
  induction: "You do not have an induction certificate",
  npq: "You do not have a certificate for this NPQ",
};

/** The issuer printed on certificates, from access's settings. */
export function certificateIssuer(config: AccessContext["config"]): CertificateIssuer {
  return {
    name: config.CERTIFICATE_ISSUER_NAME,
    onBehalfOf: config.CERTIFICATE_ON_BEHALF_OF,
    signatoryName: config.CERTIFICATE_SIGNATORY_NAME,
    signatoryTitle: config.CERTIFICATE_SIGNATORY_TITLE,
  };
}

export function certificateRoutes(ctx: AccessContext) {
  const issuer = certificateIssuer(ctx.config);

  const download = async (request: Request, kind: CertificateKind, qualificationId?: number) => {
    const path = new URL(request.url).pathname;
    const { session, response } = requireSession(ctx, request);
    if (!session) return response;
    const found = await ownTeacherRecord(ctx, session, path);
    if ("response" in found) return found.response;
    const { teacher } = found;
    const award = certificateAward(teacher, kind, qualificationId);
    if (!award) return htmlResponse(<NoCertificatePage brand={ctx.brand} title={noCertificateTitles[kind]} />, 404);
    const holderName = fullName(teacher);
    const { id, code } = recordCertificate(ctx.db, {
      sub: session.sub,
      trn: teacher.trn,
      kind,
      qualificationId: award.qualificationId,
      holderName,
      qualificationName: award.qualificationName,
      awardedDate: award.awardedDate,
    });
    // pdf-lib and fontkit cost ~80 ms to load (fontkit decompresses tables at import):
    // only a certificate download pays it, not start-up.
    const { renderCertificate } = await import("./certificate-pdf");
    const pdf = await renderCertificate(
      {
        ...award.content,
        documentTitle: `${award.content.heading} certificate for ${holderName}`,
        holderName,
        trn: teacher.trn,
        code,
        checkUrl: `${ctx.config.urls.access}/check/${code}`,
      },
      issuer,
    );
    // The next qualifications page states this size on the link ("about 24 KB").
    recordCertificateSize(ctx.db, id, pdf.byteLength);
    ctx.log.info("certificate_downloaded", { sub: session.sub, certificate: kind });
    // The TRN is 7 digits at records; keep the filename safe whatever arrives.
    const filename = `${kind}-certificate-${teacher.trn.replace(/[^0-9A-Za-z]/g, "")}${qualificationId ? `-${qualificationId}` : ""}.pdf`;
    return new Response(pdf, {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  };

  return new Elysia({ name: "access-certificates" })
    .get("/qualifications/certificates/qts", ({ request }) => download(request, "qts"))
    .get("/qualifications/certificates/eyts", ({ request }) => download(request, "eyts"))
    .get("/qualifications/certificates/induction", ({ request }) => download(request, "induction"))
    .get("/qualifications/certificates/npq/:id", ({ request, params }) => {
      const id = /^\d{1,12}$/.test(params.id) ? Number(params.id) : 0;
      return download(request, "npq", id);
    })
    .post("/qualifications/certificates/:id/stop", ({ request, params }) => {
      const { session, response } = requireSession(ctx, request);
      if (!session) return response;
      const id = /^\d{1,12}$/.test(params.id) ? Number(params.id) : 0;
      const ended = endCertificate(ctx.db, session.sub, id);
      ctx.log.info("certificate_link_stopped", { sub: session.sub, ended });
      return seeOther(ended ? "/qualifications?stopped=1" : "/qualifications");
    });
}
