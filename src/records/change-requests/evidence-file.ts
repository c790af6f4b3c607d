// The evidence file of a change request, checked by what it is rather than what it is called: its
// type comes from its first bytes (file-type's magic numbers), never from its name or the
// Content-Type the client sent. An EXE renamed .pdf and sent as application/pdf is still an EXE.
import { uploadFileLimit } from "../../web/request-body";

export interface UploadRules {
  maxBytes: number;
  /** file-type's extensions: "pdf", "jpg" (JPEG), "png". */
  types: readonly string[];
}

/** PDF, JPEG or PNG, up to the largest file a route takes (10 MiB). */
export const evidenceFileRules: UploadRules = { maxBytes: uploadFileLimit, types: ["pdf", "jpg", "png"] };

export interface AcceptedFile {
  /** The name the client gave, for people to read only (never a path): at most 200 characters, no control characters. */
  name: string;
  /** The type found in the bytes. */
  type: { ext: string; mime: string };
  bytes: Uint8Array;
}

/**
 * missing: no file (a form's empty file input sends a nameless, empty one); several: more than one
 * under the field's name; empty: a named file of 0 bytes; too_large: over maxBytes; wrong_type: the
 * bytes are none of the accepted types.
 */
export type UploadProblem = "missing" | "several" | "empty" | "too_large" | "wrong_type";

export async function checkUploadedFile(
  value: unknown,
  rules: UploadRules,
): Promise<{ ok: true; file: AcceptedFile } | { ok: false; problem: UploadProblem }> {
  if (Array.isArray(value)) return { ok: false, problem: value.filter((v) => v instanceof File).length > 1 ? "several" : "missing" };
  if (!(value instanceof File)) return { ok: false, problem: "missing" };
  // Bun gives a part sent with filename="" no name at all (undefined), whatever File's type says.
  const name: string = value.name ?? "";
  if (value.size === 0) return { ok: false, problem: name === "" ? "missing" : "empty" };
  if (value.size > rules.maxBytes) return { ok: false, problem: "too_large" };
  const bytes = new Uint8Array(await value.arrayBuffer());
  // Loaded on first use: only an upload pays for file-type's detectors, not start-up.
  const { fileTypeFromBuffer } = await import("file-type");
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !rules.types.includes(type.ext)) return { ok: false, problem: "wrong_type" };
  return { ok: true, file: { name: displayName(name), type: { ext: type.ext, mime: type.mime }, bytes } };
}

function displayName(name: string): string {
  // The last path segment (some browsers sent full paths), without control or bidi characters.
  const base = name.split(/[\\/]/).pop() ?? "";
  return base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim().slice(0, 200);
}
