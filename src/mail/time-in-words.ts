// How pages and messages say a time and how long something lasts, the way a person would: "30 days",
// "36 hours", "90 minutes", "45 seconds", and "5:30pm on 1 July 2026 (UK time)". Every service uses
// ukTime() for every time it shows a person (pages, emails, texts): there is no other time formatter.

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

/**
 * THE way every time shown to a person is written (pages, emails, texts, in every service): GOV.UK
 * style, in UK time (Europe/London, so BST in summer and GMT in winter), labelled so.
 * `ukTime(t)`: "11am (UK time)", "3:45pm (UK time)", "midday (UK time)", "midnight (UK time)";
 * `ukTime(t, { date: true })`: "10:39am on 29 December 2026 (UK time)".
 * `label: false` leaves the label off, for a sentence that says "UK time" itself once for several times.
 */
export function ukTime(instant: Date | number, options: { date?: boolean; label?: boolean } = {}): string {
  ukDateTimeFormat ??= new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const parts = Object.fromEntries(ukDateTimeFormat.formatToParts(instant).map((p) => [p.type, p.value]));
  const hour24 = Number(parts.hour) % 24;
  const minute = parts.minute;
  let time: string;
  if (minute === "00" && hour24 === 12) time = "midday";
  else if (minute === "00" && hour24 === 0) time = "midnight";
  else {
    const hour12 = hour24 % 12 === 0 ? 12 : hour24 % 12;
    const period = hour24 < 12 ? "am" : "pm";
    time = minute === "00" ? `${hour12}${period}` : `${hour12}:${minute}${period}`;
  }
  const text = options.date ? `${time} on ${parts.day} ${parts.month} ${parts.year}` : time;
  return options.label === false ? text : `${text} (UK time)`;
}

/** What an email says about a link that expires at `expires`, sent at `now`: "30 days", "5:30pm on 1 July 2026 (UK time)". */
export function linkLifetime(expires: Date, now: Date): { validFor: string; expiresAt: string } {
  return { validFor: durationInWords(expires.getTime() - now.getTime()), expiresAt: ukTime(expires, { date: true }) };
}
