// GET /qualifications and GET /qualifications/certificates/qts: the signed-in teacher's own record
// from records, as a page and as their QTS certificate.
import { Elysia } from "elysia";
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import { requireSession } from "../sessions/require-session";
import { fullName } from "../display/format";
import { ownTeacherRecord } from "./own-record";
import { NoCertificatePage, QualificationsPage } from "./qualifications-pages";

export function qualificationsRoutes(ctx: AccessContext) {
  return new Elysia({ name: "access-qualifications" })
    .get("/qualifications", async ({ request }) => {
      const { session, response } = requireSession(ctx, request);
      if (!session) return response;
      const found = await ownTeacherRecord(ctx, session, "/qualifications");
      if ("response" in found) return found.response;
      return htmlResponse(<QualificationsPage brand={ctx.brand} teacher={found.teacher} />);
    })
    .get("/qualifications/certificates/qts", async ({ request }) => {
      const { session, response } = requireSession(ctx, request);
      if (!session) return response;
      const found = await ownTeacherRecord(ctx, session, "/qualifications/certificates/qts");
      if ("response" in found) return found.response;
      const { teacher } = found;
      if (!teacher.qtsDate) return htmlResponse(<NoCertificatePage brand={ctx.brand} />, 404);
      // pdf-lib and fontkit cost ~80 ms to load (fontkit decompresses tables at import):
      // only a certificate download pays it, not start-up.
      const { renderQtsCertificate } = await import("../certificates/qts-certificate");
      const pdf = await renderQtsCertificate({ fullName: fullName(teacher), trn: teacher.trn, qtsDate: teacher.qtsDate });
      ctx.log.info("certificate_downloaded", { sub: session.sub, certificate: "qts" });
      // The TRN is 7 digits at records; keep the filename safe whatever arrives.
      const filename = `qts-certificate-${teacher.trn.replace(/[^0-9A-Za-z]/g, "")}.pdf`;
      return new Response(pdf, {
        headers: {
          "content-type": "application/pdf",
          "content-disposition": `attachment; filename="${filename}"`,
          "cache-control": "no-store",
        },
      });
    });
}
