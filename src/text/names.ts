// Rules for names people and operators give us, which every service that takes a name keeps.

/**
 * Unicode bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069).
 * They are invisible and reorder the text around them, so a name holding one can show on a page,
 * a certificate or in an email as something other than what it is. No real name needs them.
 */
const bidiControl = /[\u202A-\u202E\u2066-\u2069]/;

export function hasBidiControl(text: string): boolean {
  return bidiControl.test(text);
}

/** The words for refusing one, after the field's name ("first_name must not ..."). */
export const bidiControlMessage = "must not contain bidirectional control characters (U+202A to U+202E, U+2066 to U+2069)";
