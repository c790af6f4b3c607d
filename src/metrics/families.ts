// Counters and histograms that cost next to nothing on a request path. Each labelled series is
// made once (`series(...)`, at start-up or the first time a combination is seen) and then only
// has a number added to it: no string built, no object allocated, no hash computed per request.
// prom-client's own children hash their labels on every inc() and observe() (~1.6 µs and a few
// strings each here); it is used at scrape time only (exposition.ts), where these families are
// handed to its registry as ready-made values.

export type Labels = Readonly<Record<string, string>>;

/** A sample as prom-client's registry formats it (metricName set for a histogram's _bucket/_sum/_count). */
export interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge" | "histogram";
  samples(): Sample[];
}

function labelsOf(names: readonly string[], values: readonly string[], family: string): Labels {
  if (values.length !== names.length) throw new Error(`${family} takes labels ${names.join(", ")}`);
  return Object.freeze(Object.fromEntries(names.map((name, i) => [name, values[i]])));
}

export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}
  inc(by = 1): void {
    this.value += by;
  }
}

export class CounterFamily implements MetricFamily {
  readonly type = "counter";
  private readonly all = new Map<string, CounterSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {}

  /** The series with these label values (made on first call): keep it, and inc() it on the hot path. */
  series(...values: string[]): CounterSeries {
    const key = values.join("\u0000");
    let series = this.all.get(key);
    if (!series) this.all.set(key, (series = new CounterSeries(labelsOf(this.labelNames, values, this.name))));
    return series;
  }

  samples(): Sample[] {
    return [...this.all.values()].map(({ labels, value }) => ({ labels, value }));
  }
}

export class HistogramSeries {
  /** counts[i]: observations <= bounds[i] and > bounds[i-1]; the last one is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }
}

export class HistogramFamily implements MetricFamily {
  readonly type = "histogram";
  private readonly all = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly bounds: readonly number[],
  ) {}

  series(...values: string[]): HistogramSeries {
    const key = values.join("\u0000");
    let series = this.all.get(key);
    if (!series) this.all.set(key, (series = new HistogramSeries(labelsOf(this.labelNames, values, this.name), this.bounds)));
    return series;
  }

  /** Cumulative buckets, as the text format wants them: le="0.005" counts everything up to 5 ms. */
  samples(): Sample[] {
    const samples: Sample[] = [];
    for (const series of this.all.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += series.counts[i];
        samples.push({ metricName: `${this.name}_bucket`, labels: { ...series.labels, le: String(bound) }, value: cumulative });
      });
      samples.push({ metricName: `${this.name}_bucket`, labels: { ...series.labels, le: "+Inf" }, value: series.count });
      samples.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      samples.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return samples;
  }
}
