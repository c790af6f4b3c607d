// A minimal browser for access's HTTP tests: one cookie jar (cookies are not isolated by port, as
// in a real browser on 127.0.0.1), redirects followed by hand so each hop can be looked at.
import { CookieJar } from "./cookie-jar";
export interface Hop {
  url: string;
  status: number;
  location?: string;
  referrerPolicy?: string;
}

export class HttpBrowser {
  private readonly jar = new CookieJar();
  readonly cookies = this.jar.cookies;

  cookieHeader(): string {
    return this.jar.header();
  }

  private store(response: Response) {
    this.jar.store(response);
  }

  /** One request, no redirect followed. */
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.store(response);
    return response;
  }

  /** Follows redirects (as GET) until a response that is not one; returns it and every hop. */
  async follow(url: string, init: RequestInit = {}, maxHops = 10): Promise<{ response: Response; hops: Hop[]; url: string }> {
    const hops: Hop[] = [];
    let current = url;
    let response = await this.request(current, init);
    for (let i = 0; i < maxHops; i++) {
      const location = response.headers.get("location");
      hops.push({
        url: current,
        status: response.status,
        location: location ?? undefined,
        referrerPolicy: response.headers.get("referrer-policy") ?? undefined,
      });
      if (response.status < 300 || response.status >= 400 || !location) return { response, hops, url: current };
      await response.body?.cancel();
      current = new URL(location, current).toString();
      response = await this.request(current);
    }
    throw new Error(`more than ${maxHops} redirects from ${url}: ${hops.map((h) => h.url).join(" -> ")}`);
  }

  /** Submits a form: the CSRF field comes from the page the form is on. */
  async submit(url: string, fields: Record<string, string>): Promise<{ response: Response; hops: Hop[]; url: string }> {
    return this.follow(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

/** The value of the hidden CSRF field in a page. */
export function csrfFieldIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error("no CSRF field on the page");
  return match[1];
}
