// A small RFC 4180 CSV reader: quoted fields, "" escapes, commas and newlines inside quotes,
// CRLF or LF. Each record keeps the line it starts on, for error messages.
export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string): { records: CsvRecord[]; error?: { line: number; message: string } } {
  const records: CsvRecord[] = [];
  let input = text.startsWith("\uFEFF") ? text.slice(1) : text; // a byte-order mark from spreadsheet exports
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedLine = 0;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };
  while (i < input.length) {
    const c = input[i];
    if (inQuotes) {
      if (c === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      inQuotes = true;
      quotedLine = line;
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\r" && input[i + 1] === "\n") {
      // handled by the \n next
    } else if (c === "\n") {
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
    i++;
  }
  if (inQuotes) return { records, error: { line: quotedLine, message: "a quoted field is never closed" } };
  endRecord();
  input = "";
  return { records };
}
