// A UTF-8 text file as a sequence of pieces, read synchronously (so an import can read inside a
// synchronous database transaction) and never held whole in memory.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** Opens the file at once (so a missing or unreadable file fails here), then reads it lazily. */
export function readTextPieces(path: string, pieceBytes = 1 << 20): Iterable<string> {
  const fd = openSync(path, "r");
  try {
    if (!fstatSync(fd).isFile()) throw new Error("not a regular file");
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return (function* () {
    try {
      const buffer = Buffer.allocUnsafe(pieceBytes);
      // stream: a character split between two pieces is decoded whole with the next one.
      const decoder = new TextDecoder("utf-8");
      for (let n = readSync(fd, buffer, 0, pieceBytes, null); n > 0; n = readSync(fd, buffer, 0, pieceBytes, null)) {
        yield decoder.decode(buffer.subarray(0, n), { stream: true });
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    } finally {
      closeSync(fd);
    }
  })();
}
