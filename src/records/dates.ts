// Calendar dates as the records service uses them: ISO yyyy-mm-dd strings, "today" in UK time.

/** True for a real calendar date written yyyy-mm-dd (2026-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Today's date in the UK, where awards are made (a pass recorded at 00:30 BST is "today"). */
export function todayInUk(now = new Date()): string {
  ukDate ??= new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" });
  return ukDate.format(now);
}
// Made once, on first use: a formatter costs more than the rest of a request's validation, and
// the first one in a process ~10 ms (ICU's time zones), which start-up should not pay.
let ukDate: Intl.DateTimeFormat | undefined;
