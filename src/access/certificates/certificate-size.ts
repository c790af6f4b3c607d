// The size a download link states ("Download QTS certificate (PDF, about 24 KB)"). Each download
// renders a new PDF with its own check code, so its exact size is not known before: the figure is
// the size of the last certificate of that kind access rendered, or, before any, the size measured
// for the kind (test/browser/certificates-pages.test.ts checks the stated figure is within 25% of
// what is downloaded).
import { desc, eq, isNotNull, and } from "drizzle-orm";
import type { AccessDatabase } from "../db/database";
import { certificates, certificateKinds, type CertificateKind } from "../db/schema";

/** Bytes, measured by rendering each kind for a three-part name (November 2026). */
export const measuredCertificateBytes: Record<CertificateKind, number> = {
  qts: 24_850,
  eyts: 25_000,
  induction: 24_150,
  npq: 24_700,
};

/** Keeps the rendered PDF's size with the certificate's row. */
export function recordCertificateSize(db: AccessDatabase, id: number, bytes: number): void {
  db.update(certificates).set({ sizeBytes: bytes }).where(eq(certificates.id, id)).run();
}

/** For each kind: the last rendered certificate's size, or the measured one. */
export function certificateSizes(db: AccessDatabase): Record<CertificateKind, number> {
  const sizes = { ...measuredCertificateBytes };
  for (const kind of certificateKinds) {
    const row = db
      .select({ sizeBytes: certificates.sizeBytes })
      .from(certificates)
      .where(and(eq(certificates.kind, kind), isNotNull(certificates.sizeBytes)))
      .orderBy(desc(certificates.id))
      .limit(1)
      .get();
    if (row?.sizeBytes) sizes[kind] = row.sizeBytes;
  }
  return sizes;
}
