// Every certificate as a reader and an employer meet it: a real PDF text extractor (unpdf, i.e.
// pdf.js) finds every line, on one A4 page in embedded fonts, tagged; and the page rasterised by
// Debian's poppler-utils (pdftoppm) has a QR code that decodes (jsqr) to the certificate's /check/ URL.
import { describe, expect, test } from "bun:test";
import { PDFDict, PDFDocument, PDFName } from "pdf-lib";
import { pdfQrCode, pdfText } from "../helpers/certificates";
import { certificateAward } from "../../src/access/certificates/certificate-kinds";
import { renderCertificate } from "../../src/access/certificates/certificate-pdf";
import { newVerificationCode, verificationCodePattern } from "../../src/access/certificates/certificate-codes";
import type { TeacherRecord } from "../../src/access/qualifications/records-client";

const issuer = {
  name: "Department for Education",
  onBehalfOf: "on behalf of the Secretary of State for Education",
  signatoryName: "Teacher Qualifications Unit",
  signatoryTitle: "Teaching Regulation Agency",
};
const teacher: TeacherRecord = {
  trn: "1234567",
  firstName: "Jane",
  middleName: "Émilie",
  lastName: "O'Brien",
  qtsDate: "2026-07-01",
  qtsRoute: "AssessmentOnly",
  eytsDate: "2025-06-01",
  induction: { status: "Passed", startDate: "2026-09-01", completedDate: "2027-07-01" },
  npqs: [{ id: 3, name: "National Professional Qualification (NPQ) for Headship", status: "Passed", awardedDate: "2026-02-02", providerName: "Ambition Institute" }],
};

const textOf = pdfText;
const qrOf = (pdf: Uint8Array) => pdfQrCode(pdf);

async function render(kind: "qts" | "eyts" | "induction" | "npq", record: TeacherRecord = teacher, id?: number) {
  const award = certificateAward(record, kind, id)!;
  const code = newVerificationCode();
  const checkUrl = `https://access.example/check/${code}`;
  const pdf = await renderCertificate(
    { ...award.content, documentTitle: `${award.content.heading} certificate for Jane Émilie O'Brien`, holderName: "Jane Émilie O'Brien", trn: "1234567", code, checkUrl },
    issuer,
  );
  return { pdf, code, checkUrl };
}

describe("certificates", () => {
  const cases = [
    ["qts", undefined, ["Qualified teacher status (QTS)", "has been awarded qualified teacher status (QTS) on 1 July 2026.", "Route to QTS: assessment only."]],
    ["eyts", undefined, ["Early years teacher status (EYTS)", "has been awarded early years teacher status (EYTS) on 1 June 2025."]],
    ["induction", undefined, ["Induction", "has passed statutory induction for teachers in England on 1 July 2027."]],
    ["npq", 3, ["has been awarded the National Professional Qualification (NPQ) for Headship on 2 February 2026.", "Lead provider: Ambition Institute."]],
  ] as const;
  for (const [kind, id, lines] of cases) {
    test(`${kind}: its text extracts, the TRN follows the sentence, and its QR code decodes to its /check/ URL`, async () => {
      const { pdf, code, checkUrl } = await render(kind, teacher, id);
      const text = await textOf(pdf);
      for (const line of lines) expect(text).toContain(line);
      expect(text).toContain("This is to certify that Jane Émilie O'Brien");
      expect(text).toContain("Teacher reference number (TRN): 1234567");
      expect(text.indexOf("Teacher reference number")).toBeGreaterThan(text.indexOf("This is to certify that"));
      expect(text).toContain("Department for Education, on behalf of the Secretary of State for Education");
      expect(text).toContain("Teacher Qualifications Unit");
      expect(text).toContain(`Verification code: ${code}`);
      expect(text).toContain(`Check this certificate at ${checkUrl} or scan the QR code.`);
      expect(qrOf(pdf)).toBe(checkUrl);
    });
  }

  test("QTS wording depends on induction: exempt, passed, or still to do", async () => {
    const exempt = await textOf((await render("qts", { ...teacher, induction: { status: "Exempt" } })).pdf);
    expect(exempt).toContain("They are exempt from statutory induction.");
    const toDo = await textOf((await render("qts", { ...teacher, induction: { status: "InProgress", startDate: "2026-09-01" } })).pdf);
    expect(toDo).toContain("they must also complete statutory induction");
    expect(toDo).not.toContain("exempt");
  });

  test("no certificate where the record has no award: induction not passed, NPQ not passed, no QTS", () => {
    expect(certificateAward({ ...teacher, induction: { status: "InProgress", startDate: "2026-09-01" } }, "induction")).toBeUndefined();
    expect(certificateAward({ ...teacher, qtsDate: null }, "qts")).toBeUndefined();
    expect(certificateAward({ ...teacher, npqs: [{ ...teacher.npqs![0], status: "InProgress", awardedDate: null }] }, "npq", 3)).toBeUndefined();
    expect(certificateAward(teacher, "npq", 99)).toBeUndefined();
  });

  test("one A4 page, fonts embedded, a title in the metadata, tagged (StructTreeRoot, MarkInfo, a Figure with alt text)", async () => {
    const { pdf, checkUrl } = await render("qts");
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBe("Qualified teacher status (QTS) certificate for Jane Émilie O'Brien");
    const objects = doc.context.enumerateIndirectObjects().map(([, o]) => o);
    const descriptors = objects.filter((o): o is PDFDict => o instanceof PDFDict && o.get(PDFName.of("Type")) === PDFName.of("FontDescriptor"));
    expect(descriptors.length).toBe(2);
    for (const d of descriptors) expect(d.get(PDFName.of("FontFile2"))).toBeDefined();
    const info = Bun.spawnSync(["pdfinfo", "-"], { stdin: pdf }).stdout.toString();
    expect(info).toMatch(/Tagged:\s+yes/);
    const figure = objects.find((o): o is PDFDict => o instanceof PDFDict && o.get(PDFName.of("S")) === PDFName.of("Figure"));
    expect(figure?.get(PDFName.of("Alt"))?.toString()).toBeDefined();
    expect(String((await textOf(pdf)).length)).not.toBe("0");
    expect(checkUrl).toContain("/check/");
  });

  test("a very long name still fits: the whole name is on the page", async () => {
    const longName = "Anna-Maria Alexandra Konstantina Papadopoulou-Featherstonehaugh Wolfeschlegelsteinhausen";
    const award = certificateAward(teacher, "qts")!;
    const pdf = await renderCertificate({ ...award.content, documentTitle: "t", holderName: longName, trn: "1111111", code: "x", checkUrl: "https://a.example/check/x" }, issuer);
    expect(await textOf(pdf)).toContain(longName);
  });

  test("verification codes are 128 random bits in 26 base32 characters, never repeated", () => {
    const codes = new Set(Array.from({ length: 1000 }, newVerificationCode));
    expect(codes.size).toBe(1000);
    for (const code of codes) expect(code).toMatch(verificationCodePattern);
  });
});
