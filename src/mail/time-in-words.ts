// How messages say a time and how long a link works, the way a person would: "30 days", "36 hours",
// "90 minutes", "45 seconds", and "5:30pm on 1 July 2026" in UK time. Shared by every service that
// emails a link with a lifetime (records' invitation, identity's new link).

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
const twoUnits = (big: number, bigUnit: string, small: number, smallUnit: string) =>
  small === 0 ? count(big, bigUnit) : `${count(big, bigUnit)} and ${count(small, smallUnit)}`;

/**
 * A duration in words, rounded to the nearest of its smallest unit (never floored: a link that works
 * for 36 hours, emailed a second after it was made, still "works for 36 hours").
 * Under 2 minutes: seconds ("45 seconds", "90 seconds", "1 minute"); under 2 hours: minutes ("90 minutes",
 * "1 hour"); under 2 days: hours and minutes ("36 hours", "5 hours and 30 minutes"); then days and hours.
 */
export function durationInWords(ms: number): string {
  if (ms < second / 2) return "less than a second";
  const seconds = Math.round(ms / second);
  if (seconds < 120 && seconds % 60 !== 0) return count(seconds, "second");
  const minutes = Math.round(ms / minute);
  if (minutes < 120 && minutes % 60 !== 0) return count(minutes, "minute");
  if (minutes < 48 * 60) return twoUnits(Math.floor(minutes / 60), "hour", minutes % 60, "minute");
  const hours = Math.round(ms / hour);
  return twoUnits(Math.floor(hours / 24), "day", hours % 24, "hour");
}

// Intl formatters are made once, on first use: making one costs more than rendering a whole email,
// and the first one in a process ~10 ms, which start-up should not pay.
let ukDateTimeFormat: Intl.DateTimeFormat | undefined;

/** An instant as UK time, GOV.UK style: "5:30pm on 1 July 2026", "9am on 15 January 2026". */
export function ukDateTime(instant: Date): string {
  ukDateTimeFormat ??= new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    hour12: true,
  });
  const parts = Object.fromEntries(ukDateTimeFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  const time = parts.minute === "00" ? `${parts.hour}${parts.dayPeriod}` : `${parts.hour}:${parts.minute}${parts.dayPeriod}`;
  return `${time.toLowerCase().replace(/\s/g, "")} on ${parts.day} ${parts.month} ${parts.year}`;
}

/** What an email says about a link that expires at `expires`, sent at `now`. */
export function linkLifetime(expires: Date, now: Date): { validFor: string; expiresAt: string } {
  return { validFor: durationInWords(expires.getTime() - now.getTime()), expiresAt: ukDateTime(expires) };
}
