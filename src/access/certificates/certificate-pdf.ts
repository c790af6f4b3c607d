// Certificates as A4 PDFs made with pdf-lib: QTS, EYTS, induction and each NPQ. One layout for all:
// the issuer and the crown, the title, the certifying sentence, the TRN after it, the signatory,
// and a footer with the verification code, the check URL and a QR code of the same URL.
//
// Text: DejaVu Sans (Bitstream Vera licence, which allows embedding) as a subset, so every reader
// shows the same letters and the text can be selected, searched and read aloud. (Noto Sans was
// tried: fontkit's subsetter garbles it.)
//
// Structure: pdf-lib has no API for tagged PDF, so this file writes the structure itself, as far as
// pdf-lib's low-level objects allow: every line of text is marked content (BDC/EMC with an MCID)
// belonging to a structure element (H1 for the title, P for the rest), the QR code is a Figure with
// alternative text, and borders, rules and the crown are marked as artifacts. The catalog has
// MarkInfo Marked true, a StructTreeRoot with a ParentTree, the language (en-GB) and DisplayDocTitle,
// so `pdfinfo` reports "Tagged: yes" and a screen reader gets headings and paragraphs in reading
// order. What it does not do: PDF/UA validation (no checker here), and no per-word structure.
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, PDFHexString, PDFName, PDFNumber, PDFOperator, rgb, type PDFFont, type PDFPage, type PDFRef } from "pdf-lib";
import QRCode from "qrcode";
import regularTtf from "dejavu-fonts-ttf/ttf/DejaVuSans.ttf" with { type: "file" };
import boldTtf from "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf" with { type: "file" };
import crownSvg from "../../../templates/govuk/footer-crown.svg" with { type: "text" };
import { formatDate } from "../display/format";

/** Who issues certificates and who signs them (settings CERTIFICATE_*, DfE's by default). */
export interface CertificateIssuer {
  name: string;
  /** e.g. "on behalf of the Secretary of State for Education". */
  onBehalfOf: string;
  signatoryName: string;
  signatoryTitle: string;
}

export interface CertificateContent {
  /** The document's title in its metadata, e.g. "Qualified teacher status certificate for Jane Doe". */
  documentTitle: string;
  /** Shown large at the top, e.g. "Qualified teacher status". */
  heading: string;
  holderName: string;
  /** What follows the name: "has been awarded qualified teacher status (QTS)". */
  certifies: string;
  /** yyyy-mm-dd: "on {date}." ends the sentence. */
  date: string;
  trn: string;
  /** Lines after the TRN, e.g. the route, or what induction means for this teacher. */
  details: string[];
  /** {ACCESS_URL}/check/{code} */
  checkUrl: string;
  code: string;
}

const a4 = { width: 595.28, height: 841.89 };
const margin = 64;
const black = rgb(0.04, 0.05, 0.05);
const grey = rgb(0.31, 0.35, 0.38);
const blue = rgb(0.11, 0.44, 0.72);

let fonts: Promise<{ regular: Uint8Array; bold: Uint8Array }> | undefined;
const loadFonts = () =>
  (fonts ??= Promise.all([Bun.file(regularTtf).bytes(), Bun.file(boldTtf).bytes()]).then(([regular, bold]) => ({ regular, bold })));

/** The crown's circles and path, from the GOV.UK footer's SVG (viewBox 0 0 64 60). */
const crown = {
  circles: [...(crownSvg as string).matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"/g)].map((m) => m.slice(1).map(Number)),
  path: /<path d="([^"]+)"/.exec(crownSvg as string)?.[1] ?? "",
};

/** Structure written by hand (see the top of this file): each element and the MCID its content carries. */
class Structure {
  private readonly elements: { type: string; mcid: number; alt?: string }[] = [];
  constructor(private readonly page: PDFPage) {}

  /** Draws with `draw` inside marked content belonging to a new structure element. */
  mark(type: "H1" | "P" | "Figure", draw: () => void, alt?: string): void {
    const mcid = this.elements.length;
    this.elements.push({ type, mcid, alt });
    const props = this.page.doc.context.obj({ MCID: mcid });
    this.page.pushOperators(PDFOperator.of("BDC" as never, [PDFName.of(type), props as never]));
    draw();
    this.page.pushOperators(PDFOperator.of("EMC" as never));
  }

  /** Decoration a screen reader skips. */
  artifact(draw: () => void): void {
    this.page.pushOperators(PDFOperator.of("BMC" as never, [PDFName.of("Artifact")]));
    draw();
    this.page.pushOperators(PDFOperator.of("EMC" as never));
  }

  finish(pdf: PDFDocument, title: string): void {
    const context = pdf.context;
    const rootRef = context.nextRef();
    const documentRef = context.nextRef();
    const pageRef: PDFRef = this.page.ref;
    const elementRefs = this.elements.map((element) => {
      const dict: Record<string, unknown> = { Type: "StructElem", S: element.type, P: documentRef, Pg: pageRef, K: element.mcid };
      if (element.alt) dict.Alt = PDFHexString.fromText(element.alt);
      return context.register(context.obj(dict as never));
    });
    context.assign(
      documentRef,
      context.obj({ Type: "StructElem", S: "Document", P: rootRef, T: PDFHexString.fromText(title), K: elementRefs } as never),
    );
    const parentTree = context.obj({ Nums: [PDFNumber.of(0), context.obj(elementRefs)] } as never);
    context.assign(rootRef, context.obj({ Type: "StructTreeRoot", K: documentRef, ParentTree: parentTree, ParentTreeNextKey: 1 } as never));
    this.page.node.set(PDFName.of("StructParents"), PDFNumber.of(0));
    this.page.node.set(PDFName.of("Tabs"), PDFName.of("S"));
    const catalog = pdf.catalog;
    catalog.set(PDFName.of("StructTreeRoot"), rootRef);
    catalog.set(PDFName.of("MarkInfo"), context.obj({ Marked: true }));
    catalog.set(PDFName.of("ViewerPreferences"), context.obj({ DisplayDocTitle: true }));
  }
}

export async function renderCertificate(content: CertificateContent, issuer: CertificateIssuer, now = new Date()): Promise<Uint8Array> {
  const { regular, bold } = await loadFonts();
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const body = await pdf.embedFont(regular, { subset: true });
  const strong = await pdf.embedFont(bold, { subset: true });
  pdf.setTitle(content.documentTitle, { showInWindowTitleBar: true });
  pdf.setSubject(content.heading);
  pdf.setAuthor(issuer.name);
  pdf.setCreator("Access your teaching qualifications");
  pdf.setProducer("teacher-id (pdf-lib)");
  pdf.setLanguage("en-GB");
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);

  const page = pdf.addPage([a4.width, a4.height]);
  const structure = new Structure(page);
  const centreX = a4.width / 2;

  structure.artifact(() => {
    // A double border, as certificates have.
    page.drawRectangle({ x: 24, y: 24, width: a4.width - 48, height: a4.height - 48, borderColor: blue, borderWidth: 3 });
    page.drawRectangle({ x: 32, y: 32, width: a4.width - 64, height: a4.height - 64, borderColor: blue, borderWidth: 0.75 });
    // The crown, 64 x 60 units drawn 1.1x, centred at the top.
    const scale = 1.1;
    const left = centreX - (64 * scale) / 2;
    const top = a4.height - 72;
    for (const [cx, cy, r] of crown.circles) page.drawCircle({ x: left + cx * scale, y: top - cy * scale, size: r * scale, color: black });
    if (crown.path) page.drawSvgPath(crown.path, { x: left, y: top, scale, color: black });
  });

  let y = a4.height - 170;
  const line = (text: string, font: PDFFont, size: number, gapAfter: number, color = black, type: "H1" | "P" = "P") => {
    for (const part of wrap(text, font, size, a4.width - margin * 2)) {
      structure.mark(type, () => drawCentred(page, part, font, size, y, color));
      y -= size * 1.35;
    }
    y -= gapAfter;
  };

  line(issuer.name, strong, 15, 26, black);
  line(content.heading, strong, 28, 34, blue, "H1");
  line("This is to certify that", body, 14, 10);
  line(content.holderName, strong, 22, 10);
  line(`${content.certifies} on ${formatDate(content.date)}.`, body, 14, 18);
  line(`Teacher reference number (TRN): ${content.trn}`, body, 13, 22);
  for (const detail of content.details) line(detail, body, 11, 6, grey);

  // The signatory, below the text and well above the footer.
  y = Math.min(y - 40, 300);
  structure.artifact(() => page.drawLine({ start: { x: centreX - 110, y }, end: { x: centreX + 110, y }, thickness: 0.75, color: grey }));
  y -= 18;
  line(issuer.signatoryName, strong, 12, 0);
  line(issuer.signatoryTitle, body, 11, 0);
  line(`${issuer.name}, ${issuer.onBehalfOf}`, body, 10, 8, grey);
  line(`Issued on ${formatDate(now.toISOString().slice(0, 10))}`, body, 10, 0, grey);

  // Footer: the QR code on the left, the code and the statement beside it.
  const qrSize = 92;
  const qrX = 48;
  const qrY = 48;
  structure.mark("Figure", () => drawQr(page, content.checkUrl, qrX, qrY, qrSize), `QR code for ${content.checkUrl}`);
  const textX = qrX + qrSize + 16;
  const textWidth = a4.width - textX - 48;
  let fy = qrY + qrSize - 14;
  const footer = (text: string, font: PDFFont, size: number) => {
    for (const part of wrap(text, font, size, textWidth)) {
      structure.mark("P", () => page.drawText(part, { x: textX, y: fy, size, font, color: black }));
      fy -= size * 1.4;
    }
  };
  footer(`Verification code: ${content.code}`, strong, 10);
  footer(`Check this certificate at ${content.checkUrl} or scan the QR code.`, body, 9);
  footer("The check shows whether the qualification still stands today.", body, 9);

  structure.finish(pdf, content.documentTitle);
  return pdf.save();
}

/** The QR code of `text` as filled squares (vector: sharp at any zoom, and no image to embed). */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const quiet = 2;
  const cell = size / (modules.size + quiet * 2);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      page.drawRectangle({
        x: x + (quiet + start) * cell,
        y: y + size - (quiet + row + 1) * cell,
        width: (col - start) * cell,
        height: cell,
        color: rgb(0, 0, 0),
      });
    }
  }
}

/** Words in lines no wider than `width`; a single word too wide for a line is shrunk by drawCentred. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current) lines.push(current);
  return lines;
}

/** Centred text, shrunk to fit the page when one word would run over the border. */
function drawCentred(page: PDFPage, text: string, font: PDFFont, size: number, y: number, color: ReturnType<typeof rgb>): void {
  const maxWidth = a4.width - margin * 2;
  let fitted = size;
  while (fitted > 8 && font.widthOfTextAtSize(text, fitted) > maxWidth) fitted -= 0.5;
  const width = font.widthOfTextAtSize(text, fitted);
  page.drawText(text, { x: (a4.width - width) / 2, y, size: fitted, font, color });
}
