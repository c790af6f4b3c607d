// A small RFC 4180 CSV reader: quoted fields, "" escapes, commas and newlines inside quotes,
// CRLF or LF. Each record keeps the line it starts on, for error messages.
// It reads a file in pieces (CsvParser.feed), so a file of any size needs only one record in memory.
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvError {
  line: number;
  message: string;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Unquoted text, inside a quoted field, or just after a `"` inside one (an escape or the end). */
type State = "plain" | "quoted" | "quoteInQuoted";

export class CsvParser {
  private fields: string[] = [];
  private field = "";
  private line = 1;
  private recordLine = 1;
  private state: State = "plain";
  private quotedLine = 0;
  /** A CR ended the last piece: it is dropped if the next piece starts with LF. */
  private pendingCr = false;
  private started = false;

  /** Parses the next piece of text; calls `emit` for each record it completes. */
  feed(piece: string, emit: (record: CsvRecord) => void): void {
    let i = 0;
    if (!this.started && piece.length > 0) {
      this.started = true;
      if (piece.charCodeAt(0) === 0xfeff) i = 1; // a byte-order mark from spreadsheet exports
    }
    const n = piece.length;
    while (i < n) {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (piece.charCodeAt(i) !== LF) this.field += "\r";
      }
      if (this.state === "quoted") {
        const quote = piece.indexOf('"', i);
        const end = quote === -1 ? n : quote;
        const text = piece.slice(i, end);
        for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) this.line++;
        this.field += text;
        if (quote === -1) return;
        this.state = "quoteInQuoted";
        i = quote + 1;
        continue;
      }
      if (this.state === "quoteInQuoted") {
        if (piece.charCodeAt(i) === QUOTE) {
          this.field += '"';
          this.state = "quoted";
          i++;
          continue;
        }
        this.state = "plain"; // that quote closed the field; read this character as plain text
      }
      const c = piece.charCodeAt(i);
      if (c === QUOTE && this.field === "") {
        this.state = "quoted";
        this.quotedLine = this.line;
        i++;
      } else if (c === COMMA) {
        this.fields.push(this.field);
        this.field = "";
        i++;
      } else if (c === LF) {
        this.endRecord(emit);
        this.line++;
        this.recordLine = this.line;
        i++;
      } else if (c === CR) {
        if (i + 1 === n) this.pendingCr = true;
        else if (piece.charCodeAt(i + 1) !== LF) this.field += "\r";
        i++;
      } else {
        let j = i + 1;
        while (j < n) {
          const d = piece.charCodeAt(j);
          if (d === COMMA || d === LF || d === CR) break;
          j++;
        }
        this.field += piece.slice(i, j);
        i = j;
      }
    }
  }

  /** Ends the input: emits the last record; returns an error when a quoted field is never closed. */
  finish(emit: (record: CsvRecord) => void): CsvError | undefined {
    if (this.pendingCr) this.field += "\r";
    this.pendingCr = false;
    if (this.state === "quoted") return { line: this.quotedLine, message: "a quoted field is never closed" };
    this.state = "plain";
    this.endRecord(emit);
    return undefined;
  }

  private endRecord(emit: (record: CsvRecord) => void) {
    this.fields.push(this.field);
    // A blank line is not a record.
    if (!(this.fields.length === 1 && this.fields[0] === "")) emit({ line: this.recordLine, fields: this.fields });
    this.fields = [];
    this.field = "";
  }
}

/** Parses a whole text at once (small inputs and tests). */
export function parseCsv(text: string): { records: CsvRecord[]; error?: CsvError } {
  const records: CsvRecord[] = [];
  const parser = new CsvParser();
  parser.feed(text, (r) => records.push(r));
  const error = parser.finish((r) => records.push(r));
  return error ? { records, error } : { records };
}
