// The whole magic-link registration over HTTP, as a browser without JavaScript does it: follow
// the invitation link from access to identity, answer each page's form (with its CSRF token and
// the cookies it was given), read the SMS code from the dev mailbox, create the account, and land
// on access's qualifications page. Many teachers at once; every HTTP exchange timed per step.
import { Database } from "bun:sqlite";
import { join } from "node:path";

export interface RegistrationTeacher {
  trnToken: string;
  /** A UK mobile number, different per teacher. */
  mobile: string;
  mobileE164: string;
}

export interface RegistrationResult {
  completed: number;
  failed: number;
  perSecond: number;
  /** Per step (method + path pattern): how many, p50, p99 and max in ms. */
  steps: { step: string; count: number; p50Ms: number; p99Ms: number; maxMs: number }[];
  errorSamples: string[];
}

/** A cookie jar for one host: like a browser, it shares cookies across ports of 127.0.0.1. */
class CookieJar {
  private cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** "identity POST /register/phone": service, method and path with ids replaced, to group by step. */
function stepName(services: Map<string, string>, method: string, url: URL): string {
  const path = url.pathname.replace(/\/[A-Za-z0-9_-]{16,}(?=\/|$)/g, "/{id}");
  return `${services.get(url.origin) ?? url.origin} ${method} ${path}`;
}

/** How one journey is sent: its client address and when to give up. */
export interface JourneyOptions {
  /** Sent as X-Forwarded-For on every request (serve with TRUST_PROXY=true counts per-IP limits by it). */
  forwardedFor?: string;
  /** Aborts the journey's requests (the open-loop run stops waiting for stragglers). */
  signal?: AbortSignal;
  /** How often to look for the SMS code in the dev mailbox, ms (default 10). */
  smsPollMs?: number;
  /** Also time the wait for the SMS code, as the step "(wait) SMS code in the dev mailbox". */
  timeSmsWait?: boolean;
}

export const smsWaitStep = "(wait) SMS code in the dev mailbox";

class Agent {
  private jar = new CookieJar();
  constructor(
    private timings: Map<string, number[]>,
    private services: Map<string, string>,
    private options: JourneyOptions = {},
  ) {}

  /** One request and every redirect after it; returns the final page. */
  async go(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ url: URL; html: string }> {
    let current = new URL(url);
    let method = init.method ?? "GET";
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hop = 0; hop < 10; hop++) {
      const headers: Record<string, string> = { cookie: this.jar.header(), accept: "text/html" };
      if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
      if (this.options.forwardedFor) headers["x-forwarded-for"] = this.options.forwardedFor;
      const started = performance.now();
      const response = await fetch(current, { method, headers, body, redirect: "manual", signal: this.options.signal });
      const html = await response.text();
      const step = stepName(this.services, method, current);
      (this.timings.get(step) ?? this.timings.set(step, []).get(step)!).push(performance.now() - started);
      this.jar.store(response);
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current);
        method = "GET";
        body = undefined;
        continue;
      }
      if (response.status !== 200)
        throw new Error(`${method} ${current.pathname} answered ${response.status}: ${html.slice(0, 200)}`);
      return { url: current, html };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

function csrf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error("page has no CSRF token");
  return token;
}

function expectPath(page: { url: URL; html: string }, path: string) {
  if (page.url.pathname !== path) {
    const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/
      .exec(page.html)?.[1]
      ?.replace(/<[^>]+>/g, "")
      .trim();
    throw new Error(`expected ${path}, got ${page.url.pathname} ("${heading}")`);
  }
}

async function smsCode(mailbox: Database, to: string, pollMs: number, signal?: AbortSignal): Promise<string> {
  const query = mailbox.query(`SELECT text FROM messages WHERE channel = 'sms' AND "to" = ? ORDER BY id DESC LIMIT 1`);
  for (const deadline = performance.now() + 10_000; performance.now() < deadline && !signal?.aborted; ) {
    const row = query.get(to) as { text: string } | null;
    const code = row && /\b(\d{6})\b/.exec(row.text)?.[1];
    if (code) return code;
    await Bun.sleep(pollMs);
  }
  throw new Error(`no SMS to ${to}`);
}

/** One teacher's whole registration, from the invitation link to the qualifications page. */
export async function register(
  urls: { access: string; identity: string },
  teacher: RegistrationTeacher,
  mailbox: Database,
  timings: Map<string, number[]>,
  options: JourneyOptions = {},
) {
  const services = new Map([
    [new URL(urls.access).origin, "access"],
    [new URL(urls.identity).origin, "identity"],
  ]);
  const agent = new Agent(timings, services, options);
  let page = await agent.go(`${urls.access}/register?trn_token=${teacher.trnToken}`);
  expectPath(page, "/register");
  const identity = urls.identity;
  page = await agent.go(`${identity}/register`, { method: "POST", form: { _csrf: csrf(page.html) } });
  expectPath(page, "/register/phone");
  page = await agent.go(`${identity}/register/phone`, {
    method: "POST",
    form: { _csrf: csrf(page.html), phone: teacher.mobile },
  });
  expectPath(page, "/register/phone-code");
  const waitStarted = performance.now();
  const code = await smsCode(mailbox, teacher.mobileE164, options.smsPollMs ?? 10, options.signal);
  if (options.timeSmsWait)
    (timings.get(smsWaitStep) ?? timings.set(smsWaitStep, []).get(smsWaitStep)!).push(performance.now() - waitStarted);
  page = await agent.go(`${identity}/register/phone-code`, { method: "POST", form: { _csrf: csrf(page.html), code } });
  expectPath(page, "/register/preferred-name");
  const choice = /name="choice"[^>]*value="([^"]+)"/.exec(page.html)?.[1] ?? "0";
  page = await agent.go(`${identity}/register/preferred-name`, {
    method: "POST",
    form: { _csrf: csrf(page.html), choice },
  });
  expectPath(page, "/register/check-answers");
  page = await agent.go(`${identity}/register/check-answers`, { method: "POST", form: { _csrf: csrf(page.html) } });
  if (page.url.origin !== urls.access || !page.html.includes("Date awarded")) {
    throw new Error(`registration ended at ${page.url.href}, not on the qualifications page`);
  }
}

export async function runRegistrations(options: {
  urls: { access: string; identity: string };
  dataDir: string;
  teachers: RegistrationTeacher[];
  concurrency: number;
  onTick?: () => void;
}): Promise<RegistrationResult> {
  const mailbox = new Database(join(options.dataDir, "dev-mailbox.sqlite"), { readonly: true });
  const timings = new Map<string, number[]>();
  const errorSamples: string[] = [];
  let next = 0;
  let completed = 0;
  let failed = 0;
  const ticker = options.onTick ? setInterval(options.onTick, 100) : undefined;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.teachers.length) {
        const teacher = options.teachers[next++];
        try {
          await register(options.urls, teacher, mailbox, timings);
          completed++;
        } catch (error) {
          failed++;
          if (errorSamples.length < 3) errorSamples.push((error as Error).message);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  if (ticker) clearInterval(ticker);
  mailbox.close();
  return { completed, failed, perSecond: completed / elapsed, steps: stepStats(timings), errorSamples };
}

export interface Percentiles {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** p50, p99 and max of a list of durations (sorts it). */
export function percentiles(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  const pct = (p: number) =>
    values.length ? values[Math.min(values.length - 1, Math.floor(p * values.length))] : Number.NaN;
  return { count: values.length, p50Ms: pct(0.5), p99Ms: pct(0.99), maxMs: values.at(-1) ?? Number.NaN };
}

export function stepStats(timings: Map<string, number[]>): ({ step: string } & Percentiles)[] {
  return [...timings].map(([step, values]) => ({ step, ...percentiles(values) }));
}
