// The QTS certificate as a reader sees it: a real PDF text extractor (unpdf, i.e. pdf.js) must
// find every line, on an A4 page, in an embedded font.
import { describe, expect, test } from "bun:test";
import { PDFDocument, PDFName, PDFDict } from "pdf-lib";
import { extractText, getDocumentProxy } from "unpdf";
import { renderQtsCertificate } from "../../src/access/certificates/qts-certificate";

async function textOf(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return text;
}

describe("QTS certificate PDF", () => {
  test("holds the teacher's name, TRN and QTS date as extractable text", async () => {
    const pdf = await renderQtsCertificate({ fullName: "Jane Émilie O'Brien", trn: "1234567", qtsDate: "2026-07-01" });
    const text = await textOf(pdf);
    expect(text).toContain("Qualified Teacher Status");
    expect(text).toContain("This is to certify that Jane Émilie O'Brien");
    expect(text).toContain("Teacher Reference Number: 1234567");
    expect(text).toContain("has attained qualified teacher status");
    expect(text).toContain("Date of QTS: 1 July 2026");
  });

  test("is one A4 page whose fonts are all embedded (no standard, unembedded fonts)", async () => {
    const pdf = await renderQtsCertificate({ fullName: "Sam Jones", trn: "7654321", qtsDate: "2025-12-31" });
    const doc = await PDFDocument.load(pdf);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect(Math.round(width)).toBe(595);
    expect(Math.round(height)).toBe(842);
    const fonts = doc.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFDict => object instanceof PDFDict && object.get(PDFName.of("Type")) === PDFName.of("Font"));
    expect(fonts.length).toBeGreaterThan(0);
    const descriptors = doc.context
      .enumerateIndirectObjects()
      .map(([, object]) => object)
      .filter((object): object is PDFDict => object instanceof PDFDict && object.get(PDFName.of("Type")) === PDFName.of("FontDescriptor"));
    expect(descriptors.length).toBe(2);
    for (const descriptor of descriptors) expect(descriptor.get(PDFName.of("FontFile2"))).toBeDefined();
    expect(doc.getTitle()).toBe("Qualified Teacher Status certificate for Sam Jones");
  });

  test("a very long name still fits: the whole name is on the page", async () => {
    const longName = "Anna-Maria Alexandra Konstantina Papadopoulou-Featherstonehaugh Wolfeschlegelsteinhausen";
    const text = await textOf(await renderQtsCertificate({ fullName: longName, trn: "1111111", qtsDate: "2026-01-05" }));
    expect(text).toContain(`This is to certify that ${longName}`);
    expect(text).toContain("Date of QTS: 5 January 2026");
  });
});
