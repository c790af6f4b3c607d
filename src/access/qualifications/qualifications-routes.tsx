// GET /qualifications and GET /qualifications/certificates/qts: the signed-in teacher's own record
// from records, as a page and as their QTS certificate.
import { Elysia } from "elysia";
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import { requireSession, signInAgain } from "../sessions/require-session";
import type { AccessSession } from "../sessions/session";
import { fullName } from "../display/format";
import { AmbiguousRecordPage, NoCertificatePage, NoRecordPage, QualificationsPage, RecordsUnavailablePage } from "./qualifications-pages";
import { fetchOwnTeacherRecord, type TeacherRecord } from "./records-client";

/** A session this young that records still refuses is not an expiry: do not loop through sign-in. */
const freshSessionMs = 60_000;

export function qualificationsRoutes(ctx: AccessContext) {
  /** The teacher's record, or the response to send instead. */
  const teacherFor = async (session: AccessSession, path: string): Promise<{ teacher: TeacherRecord } | { response: Response }> => {
    const lookup = await fetchOwnTeacherRecord(ctx.config.urls.records, session.accessToken);
    if (lookup.ok) return { teacher: lookup.teacher };
    if (lookup.reason === "unauthorized" && Date.now() - session.createdAt > freshSessionMs) {
      ctx.log.info("records_token_refused", { sub: session.sub });
      return { response: signInAgain(path) };
    }
    if (lookup.reason === "no_record") return { response: htmlResponse(<NoRecordPage brand={ctx.brand} />, 404) };
    if (lookup.reason === "ambiguous") {
      ctx.log.warn("records_ambiguous", { sub: session.sub });
      return { response: htmlResponse(<AmbiguousRecordPage brand={ctx.brand} />, 409) };
    }
    ctx.log.error("records_unavailable", { reason: lookup.reason, detail: "detail" in lookup ? lookup.detail : undefined });
    return { response: htmlResponse(<RecordsUnavailablePage brand={ctx.brand} />, 503) };
  };

  return new Elysia({ name: "access-qualifications" })
    .get("/qualifications", async ({ request }) => {
      const { session, response } = requireSession(ctx, request);
      if (!session) return response;
      const found = await teacherFor(session, "/qualifications");
      if ("response" in found) return found.response;
      return htmlResponse(<QualificationsPage brand={ctx.brand} teacher={found.teacher} />);
    })
    .get("/qualifications/certificates/qts", async ({ request }) => {
      const { session, response } = requireSession(ctx, request);
      if (!session) return response;
      const found = await teacherFor(session, "/qualifications/certificates/qts");
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
