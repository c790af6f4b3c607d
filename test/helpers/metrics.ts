// Reading the Prometheus text a `serve` exposes on METRICS_PORT, as Prometheus would.

export interface ScrapedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (the lines that are samples; # HELP/# TYPE are skipped). */
export function parseExposition(text: string): ScrapedSample[] {
  const samples: ScrapedSample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

export class Scrape {
  readonly samples: ScrapedSample[];
  constructor(readonly text: string) {
    this.samples = parseExposition(text);
  }

  /** The sum of every series of `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  /** Whether a series of `name` with exactly these labels (among others) is exposed at all. */
  has(name: string, labels: Record<string, string> = {}): boolean {
    return this.matching(name, labels).length > 0;
  }

  matching(name: string, labels: Record<string, string> = {}): ScrapedSample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }
}

/** GET /metrics (with the bearer token when given); throws unless it answers 200. */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text}`);
  return new Scrape(text);
}

/** The metrics URL a `serve` logged as it started (event metrics_started). */
export function metricsUrlIn(logs: Record<string, unknown>[]): string {
  const started = logs.find((line) => line.event === "metrics_started");
  if (!started) throw new Error("serve logged no metrics_started line");
  return String(started.url);
}
