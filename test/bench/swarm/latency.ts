// The service's API latency from its Prometheus /metrics: the request-duration histogram
// (http_request_duration_seconds, every handler, method and code summed), read before and after
// a run; the difference is what that run's requests took. Quantiles are estimated inside a
// bucket by linear interpolation, as Prometheus' histogram_quantile does.
// (parse-prometheus-text-format was tried: it folds a labelled histogram into one series.)

/** Cumulative counts by upper bound (seconds), +Inf last. */
export type Histogram = Map<number, number>;

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LE = /(?:^|,)le="([^"]+)"/;

/** Sums `<name>_bucket` over every label set but `le`. */
export function readHistogram(text: string, name: string): Histogram {
  const out: Histogram = new Map();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m || m[1] !== `${name}_bucket`) continue;
    const le = LE.exec(m[2] ?? '')?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + Number(m[3]));
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** after − before, bucket by bucket (a bucket missing before counts as 0). */
export function histogramDelta(after: Histogram, before: Histogram): Histogram {
  return new Map([...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)]));
}

/** The q-quantile (0..1) in seconds; null without observations. Above the last finite bound: that bound. */
export function quantile(h: Histogram, q: number): number | null {
  const buckets = [...h];
  const total = buckets.at(-1)?.[1] ?? 0;
  if (!total) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(count - below, 1e-9);
    }
    lower = le;
    below = count;
  }
  return lower;
}

export function requestCount(h: Histogram): number {
  return [...h].at(-1)?.[1] ?? 0;
}
