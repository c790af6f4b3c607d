// GET /qualifications: the signed-in teacher's own record from records, with the certificates they
// downloaded whose check links still work (given by service.tsx, from src/access/certificates/).
// The certificates themselves are in src/access/certificates/.
import { Elysia } from "elysia";
import { decodeJwt } from "jose";
import { htmlResponse } from "../../web/html";
import type { AccessContext } from "../context";
import { requireSession } from "../sessions/require-session";
import { takeAccountCreatedNotice } from "../sessions/session";
import { ownTeacherRecord } from "./own-record";
import { QualificationsPage, type CertificateSizes, type DownloadedCertificate } from "./qualifications-pages";

export function qualificationsRoutes(ctx: AccessContext, options: { downloadedCertificates: (sub: string) => DownloadedCertificate[]; certificateSizes: () => CertificateSizes }) {
  return new Elysia({ name: "access-qualifications" }).get("/qualifications", async (context) => {
    const { request } = context;
    const { session, response } = requireSession(ctx, request);
    if (!session) return response;
    const found = await ownTeacherRecord(ctx, session, "/qualifications");
    if ("response" in found) return found.response;
    const stopped = new URL(request.url).searchParams.get("stopped") === "1";
    // Once, on the first page after the sign-in that created the account (a refresh: gone).
    const created = takeAccountCreatedNotice(ctx.db, session);
    return htmlResponse(
      <QualificationsPage
        brand={ctx.brand}
        teacher={found.teacher}
        certificates={options.downloadedCertificates(session.sub)}
        certificateSizes={options.certificateSizes()}
        csrfToken={(context as unknown as { csrfToken: string }).csrfToken}
        notice={created ? "Your Teacher ID account has been created" : stopped ? "The certificate’s link has stopped working" : undefined}
        preferredName={preferredNameOf(session.idToken)}
      />,
    );
  });
}

/** The name the teacher chose to be called (the ID token's preferred_name, checked when they signed in). */
function preferredNameOf(idToken: string): string | undefined {
  try {
    const name = decodeJwt(idToken).preferred_name;
    return typeof name === "string" && name.trim() ? name.trim() : undefined;
  } catch {
    return undefined;
  }
}
