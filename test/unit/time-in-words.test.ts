// How emails say a link's lifetime and expiry (src/mail/time-in-words.ts), over many durations.
import { describe, expect, test } from "bun:test";
import { durationInWords, linkLifetime, ukTime } from "../../src/mail/time-in-words";

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const unitMs: Record<string, number> = { second, minute, hour, day };

/** "2 days and 3 hours" -> its length in ms, and the smallest unit it names. */
function parse(words: string): { ms: number; smallest: number } {
  const parts = [...words.matchAll(/(\d+) (second|minute|hour|day)s?/g)];
  if (parts.length === 0 || parts.length > 2) throw new Error(`cannot read "${words}"`);
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * unitMs[unit], 0);
  return { ms, smallest: Math.min(...parts.map(([, , unit]) => unitMs[unit])) };
}

/**
 * Every duration the sweep checks: every second to 3 hours, every minute to 3 days, every hour to 90
 * days; each also 437 ms short (an email sent a moment after its token was made).
 */
function* sweep(): Generator<number> {
  const steps: [number, number, number][] = [
    [second, 3 * hour, second],
    [3 * hour, 3 * day, minute],
    [3 * day, 90 * day, hour],
  ];
  for (const [from, to, step] of steps) {
    for (let ms = from; ms <= to; ms += step) {
      yield ms;
      yield ms - 437;
    }
  }
}

describe("a duration in words", () => {
  test("says each TRN_TOKEN_TTL setting as a person would, also when the email leaves a moment after the token was made", () => {
    const cases: [number, string][] = [
      [2 * second, "2 seconds"],
      [45 * second, "45 seconds"],
      [60 * second, "1 minute"],
      [90 * second, "90 seconds"],
      [2 * minute, "2 minutes"],
      [30 * minute, "30 minutes"],
      [hour, "1 hour"],
      [90 * minute, "90 minutes"],
      [2 * hour, "2 hours"],
      [5 * hour + 30 * minute, "5 hours and 30 minutes"],
      [24 * hour, "24 hours"],
      [36 * hour, "36 hours"],
      [2 * day, "2 days"],
      [7 * day, "7 days"],
      [29 * day + 12 * hour, "29 days and 12 hours"],
      [30 * day, "30 days"],
      [365 * day, "365 days"],
    ];
    for (const [ttl, words] of cases) {
      for (const delay of [0, 1, 120, 400]) expect(`${ttl - delay}: ${durationInWords(ttl - delay)}`).toBe(`${ttl - delay}: ${words}`);
    }
  });

  test("never floors: no '1 hour' for seconds or minutes, no '35 hours' for 36 hours less a second", () => {
    expect(durationInWords(2 * second - 300)).toBe("2 seconds");
    expect(durationInWords(36 * hour - second)).toBe("36 hours");
    expect(durationInWords(30 * day - 5 * second)).toBe("30 days");
    expect(durationInWords(90 * minute - second)).toBe("90 minutes");
  });

  test("over a sweep of durations, the words are the duration rounded to the nearest of their smallest unit, in its largest sensible unit", () => {
    let checked = 0;
    for (const ms of sweep()) {
      const words = durationInWords(ms);
      const { ms: said, smallest } = parse(words);
      // Rounded, never floored: off by at most half of the smallest unit named.
      if (Math.abs(said - ms) > smallest / 2) throw new Error(`${ms} ms said as "${words}"`);
      // A person's units: seconds only under 2 minutes, minutes (alone) only under 2 hours, days from 2 days.
      if (/second/.test(words) && ms >= 2 * minute) throw new Error(`${ms} ms said as "${words}"`);
      if (/minute/.test(words) && !/hour/.test(words) && ms >= 2 * hour) throw new Error(`${ms} ms said as "${words}"`);
      if (/hour/.test(words) && !/day/.test(words) && ms >= 2 * day) throw new Error(`${ms} ms said as "${words}"`);
      if (/day/.test(words) && ms < 2 * day - hour) throw new Error(`${ms} ms said as "${words}"`);
      checked++;
    }
    expect(checked).toBeGreaterThan(30_000);
  });

  test("under half a second is 'less than a second'; singular units have no s", () => {
    expect(durationInWords(0)).toBe("less than a second");
    expect(durationInWords(-5 * second)).toBe("less than a second");
    expect(durationInWords(second)).toBe("1 second");
    expect(durationInWords(hour + minute)).toBe("61 minutes");
    expect(durationInWords(25 * hour + minute)).toBe("25 hours and 1 minute");
    expect(durationInWords(3 * day + hour)).toBe("3 days and 1 hour");
  });
});

describe("a time in words", () => {
  test("UK time, GOV.UK style, in winter and summer, labelled", () => {
    expect(ukTime(new Date("2026-01-15T09:00:00Z"), { date: true })).toBe("9am on 15 January 2026 (UK time)");
    expect(ukTime(new Date("2026-07-15T23:30:00Z"), { date: true })).toBe("12:30am on 16 July 2026 (UK time)");
    expect(ukTime(new Date("2026-07-01T11:00:00Z"), { date: true })).toBe("midday on 1 July 2026 (UK time)");
    expect(ukTime(new Date("2026-12-29T10:39:00Z"), { date: true })).toBe("10:39am on 29 December 2026 (UK time)");
    expect(ukTime(Date.parse("2026-12-29T11:00:00Z"))).toBe("11am (UK time)");
    expect(ukTime(Date.parse("2026-12-29T00:00:00Z"))).toBe("midnight (UK time)");
    expect(ukTime(Date.parse("2026-12-29T15:45:00Z"), { label: false })).toBe("3:45pm");
  });

  // 2026: BST starts at 01:00 UTC on 29 March (clocks go 1am -> 2am) and ends at 01:00 UTC on
  // 25 October (2am BST -> 1am GMT).
  test("across the BST and GMT boundaries: the UK clock, not UTC and not the server's zone", () => {
    expect(ukTime(Date.parse("2026-03-29T00:59:00Z"), { date: true })).toBe("12:59am on 29 March 2026 (UK time)");
    expect(ukTime(Date.parse("2026-03-29T01:00:00Z"), { date: true })).toBe("2am on 29 March 2026 (UK time)");
    expect(ukTime(Date.parse("2026-03-29T11:00:00Z"))).toBe("midday (UK time)");
    expect(ukTime(Date.parse("2026-10-25T00:30:00Z"), { date: true })).toBe("1:30am on 25 October 2026 (UK time)");
    expect(ukTime(Date.parse("2026-10-25T01:30:00Z"), { date: true })).toBe("1:30am on 25 October 2026 (UK time)");
    expect(ukTime(Date.parse("2026-10-25T12:00:00Z"))).toBe("midday (UK time)");
    // Late evening UTC in summer is already tomorrow in the UK; in winter it is not.
    expect(ukTime(Date.parse("2026-06-30T23:15:00Z"), { date: true })).toBe("12:15am on 1 July 2026 (UK time)");
    expect(ukTime(Date.parse("2026-12-31T23:15:00Z"), { date: true })).toBe("11:15pm on 31 December 2026 (UK time)");
  });

  test("a link's lifetime: how long, and until when", () => {
    expect(linkLifetime(new Date("2026-07-31T16:30:00Z"), new Date("2026-07-01T16:30:02Z"))).toEqual({
      validFor: "30 days",
      expiresAt: "5:30pm on 31 July 2026 (UK time)",
    });
  });
});
