// The QTS certificate: an A4 PDF made with pdf-lib. DejaVu Sans (Bitstream Vera licence, which
// allows embedding and redistribution) is embedded as a subset, so every reader shows the same
// letters and the text can be selected, searched and read aloud. The TTFs are imported as files so
// the compiled binary carries them. (Noto Sans from Google Fonts was tried: fontkit's subsetter
// garbles it, while the text still extracts; look at a rendered page after changing the font.)
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import regularTtf from "dejavu-fonts-ttf/ttf/DejaVuSans.ttf" with { type: "file" };
import boldTtf from "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf" with { type: "file" };
import { formatDate } from "../display/format";

export interface QtsCertificateInput {
  fullName: string;
  trn: string;
  /** yyyy-mm-dd */
  qtsDate: string;
}

const a4 = { width: 595.28, height: 841.89 };
const margin = 56;
const black = rgb(0.04, 0.05, 0.05);
const blue = rgb(0.11, 0.44, 0.72);

let fonts: Promise<{ regular: Uint8Array; bold: Uint8Array }> | undefined;
const loadFonts = () =>
  (fonts ??= Promise.all([Bun.file(regularTtf).bytes(), Bun.file(boldTtf).bytes()]).then(([regular, bold]) => ({ regular, bold })));

export async function renderQtsCertificate(input: QtsCertificateInput, now = new Date()): Promise<Uint8Array> {
  const { regular, bold } = await loadFonts();
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const body = await pdf.embedFont(regular, { subset: true });
  const heading = await pdf.embedFont(bold, { subset: true });
  pdf.setTitle(`Qualified Teacher Status certificate for ${input.fullName}`);
  pdf.setSubject("Qualified Teacher Status");
  pdf.setAuthor("Department for Education");
  pdf.setCreator("Access your teaching qualifications");
  pdf.setProducer("teacher-id");
  pdf.setLanguage("en-GB");
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);

  const page = pdf.addPage([a4.width, a4.height]);
  // A double border, as certificates have.
  page.drawRectangle({ x: 28, y: 28, width: a4.width - 56, height: a4.height - 56, borderColor: blue, borderWidth: 3 });
  page.drawRectangle({ x: 36, y: 36, width: a4.width - 72, height: a4.height - 72, borderColor: blue, borderWidth: 0.75 });

  let y = a4.height - 150;
  const line = (text: string, font: PDFFont, size: number, gapAfter: number, color = black) => {
    drawCentred(page, text, font, size, y, color);
    y -= gapAfter;
  };
  line("Department for Education", heading, 14, 70, blue);
  line("Qualified Teacher Status", heading, 30, 80);
  line(`This is to certify that ${input.fullName}`, body, 16, 36);
  line(`Teacher Reference Number: ${input.trn}`, body, 14, 48);
  line("has attained qualified teacher status", body, 16, 28);
  line("and is recognised as a qualified teacher in England.", body, 12, 80);
  line(`Date of QTS: ${formatDate(input.qtsDate)}`, heading, 16, 28);
  drawCentred(page, `Issued on ${formatDate(now.toISOString().slice(0, 10))}`, body, 10, 80, black);
  return pdf.save();
}

/** Centred text, shrunk to fit the page when a long name would run over the border. */
function drawCentred(page: PDFPage, text: string, font: PDFFont, size: number, y: number, color: ReturnType<typeof rgb>): void {
  const maxWidth = a4.width - margin * 2;
  let fitted = size;
  while (fitted > 8 && font.widthOfTextAtSize(text, fitted) > maxWidth) fitted -= 0.5;
  const width = font.widthOfTextAtSize(text, fitted);
  page.drawText(text, { x: (a4.width - width) / 2, y, size: fitted, font, color });
}
