// Counting a service's requests by method, route pattern and status, and timing them. A request
// costs three Map lookups and two additions: the series for a (method, route, status) are made
// the first time that combination is seen and kept.
import { httpRequestDuration, httpRequests } from "./metrics";
import type { CounterSeries, HistogramSeries } from "./families";

/** Methods outside this list (anyone can send any word) share one label, so labels stay few. */
const knownMethods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The route label of a request no route answered (404s, requests refused before routing). */
export const noRoute = "(none)";

interface RouteSeries {
  duration: HistogramSeries;
  byStatus: Map<number, CounterSeries>;
}

export interface RequestMetrics {
  /** `route` is the matched route's pattern (e.g. /v2/teachers/:trn/itt-outcome), never the path. */
  record(method: string, route: string, status: number, seconds: number): void;
}

export function requestMetrics(service: string): RequestMetrics {
  const byMethod = new Map<string, Map<string, RouteSeries>>();
  return {
    record(method, route, status, seconds) {
      const methodLabel = knownMethods.has(method) ? method : "other";
      let byRoute = byMethod.get(methodLabel);
      if (!byRoute) byMethod.set(methodLabel, (byRoute = new Map()));
      let series = byRoute.get(route);
      if (!series) {
        byRoute.set(route, (series = { duration: httpRequestDuration.series(service, methodLabel, route), byStatus: new Map() }));
      }
      let counter = series.byStatus.get(status);
      if (!counter) series.byStatus.set(status, (counter = httpRequests.series(service, methodLabel, route, String(status))));
      counter.inc();
      series.duration.observe(seconds);
    },
  };
}
