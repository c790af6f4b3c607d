// Counting requests per key in fixed windows, in this process's memory. A key's window starts
// with its first request (not on the clock's minute, so clients do not all come back at once) and
// holds at most `limit` requests; a refused request is not counted. No database write per request:
// the API paths it guards are benchmarked at thousands of requests a second.

export interface WindowCount {
  allowed: boolean;
  /** Requests still allowed in this window after this one. */
  remaining: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
  /** True for the first refusal of a window (log it once, not once per refused request). */
  firstRefusal: boolean;
}

interface Window {
  start: number;
  count: number;
  refused: boolean;
}

export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();
  /** When the last window open now ends: after that, every window has ended. */
  private lastEnd = 0;

  /** `sweepAbove`: past this many keys, windows that have ended are dropped (a flood of new keys stays bounded). */
  constructor(
    readonly windowMs: number,
    private readonly sweepAbove = 10_000,
  ) {}

  /** Counts one request for `key` if it fits in `limit`. */
  hit(key: string, limit: number, now = Date.now()): WindowCount {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size >= this.sweepAbove) this.sweep(now);
      window = { start: now, count: 0, refused: false };
      this.windows.set(key, window);
      this.lastEnd = now + this.windowMs;
    }
    const resetMs = window.start + this.windowMs - now;
    if (window.count >= limit) {
      const firstRefusal = !window.refused;
      window.refused = true;
      return { allowed: false, remaining: 0, resetMs, firstRefusal };
    }
    window.count += 1;
    return { allowed: true, remaining: limit - window.count, resetMs, firstRefusal: false };
  }

  /** The count so far, without adding to it. */
  peek(key: string, limit: number, now = Date.now()): Omit<WindowCount, "firstRefusal"> {
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) return { allowed: true, remaining: limit, resetMs: this.windowMs };
    const remaining = Math.max(0, limit - window.count);
    return { allowed: remaining > 0, remaining, resetMs: window.start + this.windowMs - now };
  }

  /** True when no window is open (lets callers skip work, e.g. finding the client's IP). */
  idle(now = Date.now()): boolean {
    if (this.windows.size > 0 && now >= this.lastEnd) this.windows.clear();
    return this.windows.size === 0;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
