// What each certificate says, from the teacher's record: QTS (its wording depends on induction),
// EYTS, induction (passed only) and one per NPQ. The words match the qualifications page.
import type { CertificateKind } from "../db/schema";
import { humanise } from "../display/format";
import type { TeacherRecord } from "../qualifications/records-client";
import type { CertificateContent } from "./certificate-pdf";

/** A certificate the record allows: what it is of, its date and its wording (without code and URL). */
export interface CertificateAward {
  kind: CertificateKind;
  /** records' NPQ id, for kind "npq". */
  qualificationId: number | null;
  qualificationName: string;
  awardedDate: string;
  content: Omit<CertificateContent, "checkUrl" | "code" | "holderName" | "trn" | "documentTitle">;
}

/** The card titles on the qualifications page, and the certificates' headings. */
export const qualificationTitles = {
  qts: "Qualified teacher status (QTS)",
  eyts: "Early years teacher status (EYTS)",
  induction: "Induction",
} as const;

/** The award `kind` (and, for an NPQ, `qualificationId`) as the record shows it now; undefined when it has none. */
export function certificateAward(teacher: TeacherRecord, kind: CertificateKind, qualificationId?: number): CertificateAward | undefined {
  const inductionStatus = teacher.induction?.status ?? teacher.inductionStatus ?? null;
  if (kind === "qts") {
    if (!teacher.qtsDate) return undefined;
    const details: string[] = [];
    if (teacher.qtsRoute) details.push(`Route to QTS: ${humanise(teacher.qtsRoute).toLowerCase()}.`);
    if (inductionStatus === "Exempt") details.push("They are exempt from statutory induction.");
    else if (inductionStatus === "Passed") details.push("They have also passed statutory induction.");
    else details.push("To work as a teacher in a relevant school in England, they must also complete statutory induction.");
    return {
      kind,
      qualificationId: null,
      qualificationName: qualificationTitles.qts,
      awardedDate: teacher.qtsDate,
      content: { heading: qualificationTitles.qts, certifies: "has been awarded qualified teacher status (QTS)", date: teacher.qtsDate, details },
    };
  }
  if (kind === "eyts") {
    if (!teacher.eytsDate) return undefined;
    return {
      kind,
      qualificationId: null,
      qualificationName: qualificationTitles.eyts,
      awardedDate: teacher.eytsDate,
      content: { heading: qualificationTitles.eyts, certifies: "has been awarded early years teacher status (EYTS)", date: teacher.eytsDate, details: [] },
    };
  }
  if (kind === "induction") {
    const completed = teacher.induction?.completedDate;
    if (inductionStatus !== "Passed" || !completed) return undefined;
    return {
      kind,
      qualificationId: null,
      qualificationName: "Induction",
      awardedDate: completed,
      content: { heading: "Induction", certifies: "has passed statutory induction for teachers in England", date: completed, details: [] },
    };
  }
  const npq = (teacher.npqs ?? []).find((q) => q.id === qualificationId && q.status === "Passed" && q.awardedDate);
  if (!npq?.awardedDate) return undefined;
  return {
    kind,
    qualificationId: npq.id,
    qualificationName: npq.name,
    awardedDate: npq.awardedDate,
    content: {
      heading: "National professional qualification (NPQ)",
      certifies: `has been awarded the ${npq.name}`,
      date: npq.awardedDate,
      details: npq.providerName ? [`Lead provider: ${npq.providerName}.`] : [],
    },
  };
}

/** True while the record still shows the award as the certificate printed it (for /check/). */
export function stillStands(teacher: TeacherRecord, printed: { kind: CertificateKind; qualificationId: number | null; awardedDate: string }): boolean {
  const now = certificateAward(teacher, printed.kind, printed.qualificationId ?? undefined);
  return now !== undefined && now.awardedDate === printed.awardedDate;
}
