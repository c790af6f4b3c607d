// Reading a certificate PDF as people do: its text (unpdf, i.e. pdf.js) and its QR code, from the
// page rasterised by Debian's poppler-utils (pdftoppm) and decoded by jsqr.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { extractText, getDocumentProxy } from "unpdf";

export async function pdfText(bytes: Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return text.replace(/\s+/g, " ");
}

/** Rasterises the PDF's page to PNG (kept at `keepAs` when given) and returns what its QR code says. */
export function pdfQrCode(pdf: Uint8Array, keepAs?: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "certificate-qr-"));
  try {
    writeFileSync(join(dir, "c.pdf"), pdf);
    const run = Bun.spawnSync(["pdftoppm", "-png", "-r", "150", "-singlefile", join(dir, "c.pdf"), join(dir, "c")]);
    if (run.exitCode !== 0) throw new Error(`pdftoppm failed: ${run.stderr.toString()}`);
    const bytes = readFileSync(join(dir, "c.png"));
    if (keepAs) writeFileSync(keepAs, bytes);
    const png = PNG.sync.read(bytes);
    return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
