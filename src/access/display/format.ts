// How access shows values from records to a person.
// Made on first use: the first Intl formatter in a process costs several ms, not worth it at start-up.
let dateFormat: Intl.DateTimeFormat | undefined;

/** `2026-07-01` -> `1 July 2026` (GOV.UK style). Anything else is shown as it came. */
export function formatDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? iso : (dateFormat ??= new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })).format(date);
}

/** `RequiredToComplete` -> `Required to complete`; `HEI` and `Pass` stay as they are. */
export function humanise(value: string): string {
  if (!/^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$/.test(value)) return value;
  const words = value.split(/(?=[A-Z])/);
  return [words[0], ...words.slice(1).map((w) => w.toLowerCase())].join(" ");
}

export function fullName(parts: { firstName?: string | null; middleName?: string | null; lastName?: string | null }): string {
  return [parts.firstName, parts.middleName, parts.lastName]
    .map((p) => p?.trim())
    .filter(Boolean)
    .join(" ");
}

/** An instant (ISO 8601, e.g. records' `createdUtc`) as its date in the UK: `2026-08-03T23:30:00Z` -> `4 August 2026`. */
export function formatUkDate(isoInstant: string): string {
  const instant = new Date(isoInstant);
  if (Number.isNaN(instant.getTime())) return isoInstant;
  return (ukDateFormat ??= new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" })).format(instant);
}
let ukDateFormat: Intl.DateTimeFormat | undefined;
