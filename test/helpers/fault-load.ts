// Load for the fault tests, as real clients make it over HTTP, each keeping a ledger of what the
// services acknowledged: an awarding service recording Pass outcomes (it retries a PUT until it
// gets a 2xx, as the API invites: a repeat is safe), records' client asking identity for TRN
// tokens, and teachers registering through the whole magic-link journey in a browser without
// JavaScript. A request that dies with the server (connection refused or reset) is not an answer:
// the ledgers hold only what a client was told, which is what the services must keep.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { sha256 } from "../../src/security/tokens";
import { CookieJar } from "./cookie-jar";

/** A request that got no answer: the server was down or died while answering. */
export class NoAnswer extends Error {}

/** fetch, turning "no answer" (refused, reset, timed out) into NoAnswer. */
export async function fetchAnswer(url: string | URL, init: RequestInit = {}): Promise<{ response: Response; text: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
    // The body is part of the answer: a reset while reading it is no answer either.
    return { response, text: await response.text() };
  } catch (error) {
    throw new NoAnswer(`${init.method ?? "GET"} ${new URL(url).pathname}: ${(error as Error).message}`);
  }
}

export interface ApiClient {
  clientId: string;
  clientSecret: string;
}

/** A client-credentials token, fetched again after a restart refuses it or when it is old. */
export class TokenSource {
  private token: string | undefined;
  private fetchedAt = 0;
  constructor(
    private readonly identityUrl: string,
    private readonly client: ApiClient,
    private readonly scope: string,
  ) {}

  async get(): Promise<string> {
    // Access tokens live 15 minutes; a soak runs longer.
    if (this.token && Date.now() - this.fetchedAt < 10 * 60_000) return this.token;
    const { response, text } = await fetchAnswer(`${this.identityUrl}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${this.client.clientId}:${this.client.clientSecret}`)}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: this.scope }),
    });
    if (response.status !== 200) throw new NoAnswer(`POST /token answered ${response.status}: ${text.slice(0, 200)}`);
    this.token = (JSON.parse(text) as { access_token: string }).access_token;
    this.fetchedAt = Date.now();
    return this.token;
  }

  forget(): void {
    this.token = undefined;
  }
}

/** Something a client was told that no correct service would say (kept for the test to show). */
export interface Unexpected {
  what: string;
  status: number;
  body: string;
}

export interface PassTeacher {
  trn: string;
  birthdate: string;
  email: string;
  ukprn: string;
}

export interface AcknowledgedPass {
  trn: string;
  email: string;
  qtsDate: string;
  at: number;
}

export interface LoadOptions {
  /** Clients working at once. */
  concurrency: number;
  /** Each client's pause between one item and the next, in ms (keeps a 2-core machine usable). */
  pauseMs: number;
}

/** Runs `work` for each item with `concurrency` workers until the items run out or stop() is called. */
abstract class Driver<Item> {
  protected stopped = false;
  private next = 0;
  readonly unexpected: Unexpected[] = [];
  /** Requests that got no answer (the server was down). */
  noAnswers = 0;
  private running: Promise<void> | undefined;

  constructor(
    protected readonly items: Item[],
    protected readonly options: LoadOptions,
  ) {}

  protected abstract work(item: Item): Promise<void>;

  /** Starts the workers; finished() resolves once they have all stopped. */
  start(): this {
    this.running = Promise.all(
      Array.from({ length: this.options.concurrency }, async () => {
        while (!this.stopped && this.next < this.items.length) {
          await this.work(this.items[this.next++]);
          if (this.options.pauseMs > 0) await Bun.sleep(this.options.pauseMs);
        }
      }),
    ).then(() => {});
    return this;
  }

  /** Resolves once every item has been worked through (or stop() was called). */
  async finished(): Promise<void> {
    await this.running;
  }

  /** No new items; what is under way is finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  get started(): number {
    return this.next;
  }

  protected noteUnexpected(what: string, status: number, body: string): void {
    if (this.unexpected.length < 50) this.unexpected.push({ what, status, body: body.slice(0, 300) });
  }
}

/**
 * An awarding service recording a Pass for each teacher: PUT until a 2xx, however many restarts
 * that takes (each Pass is acknowledged in the end, and a repeat must not send a second email).
 */
export class PassOutcomes extends Driver<PassTeacher> {
  readonly acknowledged = new Map<string, AcknowledgedPass>();
  /** Answers that said "not now" (503, or 401 for a token from before a restart), each tried again. */
  notNow = 0;

  constructor(
    private readonly recordsUrl: string,
    private readonly tokens: TokenSource,
    teachers: PassTeacher[],
    options: LoadOptions,
    private readonly assessmentDate: string,
  ) {
    super(teachers, options);
  }

  protected async work(teacher: PassTeacher): Promise<void> {
    const url = `${this.recordsUrl}/v2/teachers/${teacher.trn}/itt-outcome?birthdate=${teacher.birthdate}`;
    const body = JSON.stringify({ ittProviderUkprn: teacher.ukprn, outcome: "Pass", assessmentDate: this.assessmentDate });
    for (let attempt = 1; ; attempt++) {
      try {
        const token = await this.tokens.get();
        const { response, text } = await fetchAnswer(url, {
          method: "PUT",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body,
        });
        if (response.ok) {
          const answer = JSON.parse(text) as { trn?: string; qtsDate?: string };
          if (answer.trn !== teacher.trn || answer.qtsDate !== this.assessmentDate) this.noteUnexpected(`PUT ${teacher.trn}`, response.status, text);
          this.acknowledged.set(teacher.trn, { trn: teacher.trn, email: teacher.email, qtsDate: this.assessmentDate, at: Date.now() });
          return;
        }
        // 503 (busy, starting) and 401 (a token from before a restart) are worth another try; the rest is a fault.
        if (response.status === 401 || response.status === 503) this.notNow++;
        else this.noteUnexpected(`PUT ${teacher.trn}`, response.status, text);
        if (response.status === 401) this.tokens.forget();
      } catch (error) {
        if (!(error instanceof NoAnswer)) throw error;
        this.noAnswers++;
      }
      await Bun.sleep(Math.min(1000, 25 * attempt));
    }
  }
}

export interface IssuedToken {
  trn: string;
  email: string;
  token: string;
  tokenHash: string;
}

/** records' side of POST /trn-tokens: one call per item; a 201 is acknowledged, no answer is not. */
export class TrnTokenCalls extends Driver<{ trn: string; email: string }> {
  readonly acknowledged: IssuedToken[] = [];

  constructor(
    private readonly identityUrl: string,
    private readonly tokens: TokenSource,
    items: { trn: string; email: string }[],
    options: LoadOptions,
  ) {
    super(items, options);
  }

  protected async work(item: { trn: string; email: string }): Promise<void> {
    try {
      const issued = await requestTrnToken(this.identityUrl, this.tokens, item);
      if (issued) this.acknowledged.push(issued);
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      this.noAnswers++;
    }
  }
}

/** One POST /trn-tokens; undefined when refused (401 after a restart: the token is fetched again). */
export async function requestTrnToken(
  identityUrl: string,
  tokens: TokenSource,
  item: { trn: string; email: string },
  onUnexpected?: (status: number, body: string) => void,
): Promise<IssuedToken | undefined> {
  const { response, text } = await fetchAnswer(`${identityUrl}/trn-tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${await tokens.get()}`, "content-type": "application/json" },
    body: JSON.stringify(item),
  });
  if (response.status === 201) {
    const token = (JSON.parse(text) as { trnToken: string }).trnToken;
    return { ...item, token, tokenHash: sha256(token) };
  }
  if (response.status === 401) tokens.forget();
  else onUnexpected?.(response.status, text);
  return undefined;
}

export interface RegisteringTeacher {
  trn: string;
  email: string;
  /** A UK mobile, different per teacher: 07400 and six digits. */
  mobile: string;
}

export interface CompletedRegistration {
  trn: string;
  email: string;
  tokenHash: string;
  at: number;
}

/**
 * Teachers registering: each gets a TRN token (POST /trn-tokens, as records does after a Pass) and
 * walks the journey from the link to "Create account". A teacher whose journey breaks (the
 * server died) starts again from the same link, a few times; one whose account was made but who
 * never saw the answer finds the link used, which is fine. Acknowledged: the final POST answered
 * with the redirect back to access, carrying a code.
 */
export class Registrations extends Driver<RegisteringTeacher> {
  readonly acknowledged = new Map<string, CompletedRegistration>();
  /** Tokens issued for the teachers (acknowledged POST /trn-tokens calls). */
  readonly issued: IssuedToken[] = [];
  /** Journeys that broke and were started again from the link. */
  restarts = 0;
  private readonly mailbox: Database;
  /** Walks from the link a teacher makes before giving up. */
  private readonly attempts: number;

  constructor(
    private readonly urls: { identity: string; access: string },
    dataDir: string,
    private readonly tokens: TokenSource,
    teachers: RegisteringTeacher[],
    options: LoadOptions & { attempts: number },
  ) {
    super(teachers, options);
    this.attempts = options.attempts;
    this.mailbox = openDevMailboxFile(dataDir);
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.mailbox.close();
  }

  protected async work(teacher: RegisteringTeacher): Promise<void> {
    let issued: IssuedToken | undefined;
    for (let attempt = 1; !issued && attempt <= 100; attempt++) {
      try {
        issued = await requestTrnToken(this.urls.identity, this.tokens, teacher, (status, body) =>
          this.noteUnexpected(`POST /trn-tokens ${teacher.trn}`, status, body),
        );
      } catch (error) {
        if (!(error instanceof NoAnswer)) throw error;
        this.noAnswers++;
      }
      if (!issued) await Bun.sleep(100);
    }
    if (!issued) return;
    this.issued.push(issued);
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) this.restarts++;
      try {
        const outcome = await this.journey(teacher, issued.token);
        if (outcome === "done") {
          this.acknowledged.set(teacher.trn, { trn: teacher.trn, email: teacher.email, tokenHash: issued.tokenHash, at: Date.now() });
          return;
        }
        // The link is used: the account was made by an attempt whose answer was lost.
        if (outcome === "link-used") return;
      } catch (error) {
        if (error instanceof NoAnswer) this.noAnswers++;
        else if (error instanceof UnexpectedPage) this.noteUnexpected(error.what, error.status, error.body);
        else throw error;
      }
      // Serve may be starting again: a teacher waits a little longer each time.
      await Bun.sleep(300 * attempt);
    }
  }

  /** One walk from the email's link to "Create account". */
  private async journey(teacher: RegisteringTeacher, token: string): Promise<"done" | "link-used"> {
    const walk = new RegistrationWalk(this.urls, this.mailbox, teacher);
    const page = await walk.open(token);
    if (page.status === 410 && /already been used/i.test(page.text)) return "link-used";
    await walk.finish();
    return "done";
  }
}

/**
 * One teacher's walk through registration in a browser without JavaScript, a page at a time: open
 * the link, (refresh,) then finish from the landing page to "Create account". The text message's
 * code is read from the dev mailbox (identity's SMS without a Notify key).
 */
export class RegistrationWalk {
  readonly browser = new FormBrowser();
  page: Page | undefined;
  private readonly access: string;
  private readonly identity: string;

  constructor(
    urls: { identity: string; access: string },
    private readonly mailbox: Database,
    readonly teacher: RegisteringTeacher,
  ) {
    this.access = new URL(urls.access).origin;
    this.identity = new URL(urls.identity).origin;
  }

  /** Opens the email's link: access hands it to identity, which shows the journey's first page. */
  async open(token: string): Promise<Page> {
    this.page = await this.browser.go(`${this.access}/register?trn_token=${encodeURIComponent(token)}`, [this.access, this.identity]);
    return this.page;
  }

  /** Loads the current page again, as a teacher who presses refresh (or comes back later). */
  async refresh(): Promise<Page> {
    this.page = await this.browser.go(this.page!.url, [this.identity]);
    return this.page;
  }

  /** From the landing page to the final POST; resolves with the redirect back to access (carrying a code). */
  async finish(): Promise<string> {
    const { identity, teacher } = this;
    let page = this.page!;
    page.expect("/register", 200);
    page = await this.browser.post(`${identity}/register`, page, {}, [identity]);
    page.expect("/register/phone", 200);
    const lastSms = this.lastSmsId();
    page = await this.browser.post(`${identity}/register/phone`, page, { phone: teacher.mobile }, [identity]);
    page.expect("/register/phone-code", 200);
    const code = await this.smsCode(lastSms);
    page = await this.browser.post(`${identity}/register/phone-code`, page, { code }, [identity]);
    page.expect("/register/preferred-name", 200);
    const choice = /name="choice"[^>]*value="([^"]+)"/.exec(page.text)?.[1] ?? "0";
    page = await this.browser.post(`${identity}/register/preferred-name`, page, { choice }, [identity]);
    page.expect("/register/check-answers", 200);
    // The final POST: its answer is the redirect back to access with a code, or nothing.
    this.page = page = await this.browser.post(`${identity}/register/check-answers`, page, {}, [identity]);
    if (page.leftTo?.startsWith(`${this.access}/`) && page.leftTo.includes("code=")) return page.leftTo;
    throw new UnexpectedPage("POST /register/check-answers", page.status, `ended at ${page.url} ${heading(page.text)}`);
  }

  private lastSmsId(): number {
    const row = this.mailbox.query(`SELECT max(id) AS id FROM messages WHERE channel = 'sms' AND "to" = ?`).get(e164(this.teacher.mobile)) as {
      id: number | null;
    } | null;
    return row?.id ?? 0;
  }

  /** The code in the first text sent after `after` (identity's outbox puts it in the dev mailbox). */
  private async smsCode(after: number): Promise<string> {
    // A kill may catch the text mid-send: it goes out after the claim times out (seconds).
    const deadline = Date.now() + 20_000;
    const query = this.mailbox.query(`SELECT text FROM messages WHERE channel = 'sms' AND "to" = ? AND id > ? ORDER BY id DESC LIMIT 1`);
    while (Date.now() < deadline) {
      const row = query.get(e164(this.teacher.mobile), after) as { text: string } | null;
      const code = row && /\b(\d{6})\b/.exec(row.text)?.[1];
      if (code) return code;
      await Bun.sleep(50);
    }
    throw new NoAnswer(`no text message to ${this.teacher.trn}'s phone within 20 s`);
  }
}

/** The dev mailbox (where identity's text messages go without a Notify key), for reading codes. */
export function openDevMailboxFile(dataDir: string): Database {
  const db = new Database(join(dataDir, "dev-mailbox.sqlite"));
  db.run("PRAGMA busy_timeout = 5000");
  return db;
}

const e164 = (mobile: string) => `+44${mobile.slice(1)}`;

export class UnexpectedPage extends Error {
  constructor(
    readonly what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${what}: ${status} ${body.slice(0, 200)}`);
  }
}

function heading(html: string): string {
  return (/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? "").replace(/<[^>]+>/g, "").trim();
}

export interface Page {
  url: string;
  status: number;
  text: string;
  /** Where a redirect left the origins followed (e.g. back to access with a code). */
  leftTo?: string;
  /** Throws UnexpectedPage unless the page is `path` with `status`. */
  expect(path: string, status: number): void;
}

/** A browser without JavaScript: one cookie jar for 127.0.0.1, forms posted with their CSRF token. */
export class FormBrowser {
  private readonly jar = new CookieJar();

  /** GET `url`, following redirects while they stay on `origins`. */
  go(url: string, origins: string[]): Promise<Page> {
    return this.follow(url, { method: "GET" }, origins);
  }

  /** Posts a form from `page` (its CSRF token included) to `url`. */
  post(url: string, page: Page, fields: Record<string, string>, origins: string[]): Promise<Page> {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!csrf) throw new UnexpectedPage(`POST ${new URL(url).pathname}`, page.status, `the page before has no form: ${heading(page.text)}`);
    return this.follow(
      url,
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf, ...fields }).toString() },
      origins,
    );
  }

  private async follow(url: string, init: RequestInit, origins: string[]): Promise<Page> {
    let current = new URL(url);
    let request = init;
    for (let hops = 0; hops < 10; hops++) {
      const { response, text } = await fetchAnswer(current, {
        ...request,
        redirect: "manual",
        headers: { ...(request.headers as Record<string, string>), accept: "text/html", cookie: this.jar.header() },
      });
      this.jar.store(response);
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current);
        if (!origins.includes(next.origin)) return page(current.href, response.status, text, next.href);
        current = next;
        request = { method: "GET" };
        continue;
      }
      return page(current.href, response.status, text);
    }
    throw new UnexpectedPage(`${init.method} ${url}`, 0, "too many redirects");
  }
}

function page(url: string, status: number, text: string, leftTo?: string): Page {
  return {
    url,
    status,
    text,
    leftTo,
    expect(path, expected) {
      if (new URL(url).pathname !== path || status !== expected) {
        // 503 "try again later" while a dependency is down, or a server error: the caller decides.
        throw new UnexpectedPage(`expected ${path} (${expected})`, status, `got ${new URL(url).pathname}: ${heading(text)}`);
      }
    },
  };
}
