// records' emails from their templates (templates/email/*.txt and *.html): {{name}} placeholders,
// a first line "Subject: ...", and dates written as people read them.

export const escapeHtml = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Every {{name}} replaced by its (escaped) value; a placeholder with no value is a bug, not a blank. */
export function fillTemplate(template: string, values: Record<string, string>, escape: (v: string) => string = (v) => v): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`template placeholder {{${name}}} has no value`);
    return escape(values[name]);
  });
}

/** A filled text template split into its subject (the "Subject:" first line) and its body. */
export function subjectAndText(filled: string): { subject: string; text: string } {
  const [subjectLine, ...body] = filled.split("\n");
  return { subject: subjectLine.replace(/^Subject:\s*/, "").trim(), text: body.join("\n").trim() + "\n" };
}

/** 2026-07-01 -> "1 July 2026" (GOV.UK style). */
export function formatDate(isoDate: string): string {
  dateFormat ??= new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return dateFormat.format(new Date(`${isoDate}T00:00:00Z`));
}
// Made once, on first use: making one costs more than rendering the whole email, and the first one
// in a process ~10 ms (ICU's time zones), which start-up should not pay.
let dateFormat: Intl.DateTimeFormat | undefined;
