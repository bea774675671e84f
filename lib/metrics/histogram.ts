// Prometheus histograms: cumulative counts per upper bound, summed over label sets, the
// difference of two reads, and quantiles estimated inside a bucket by linear interpolation as
// histogram_quantile does (the first bucket from 0; above the last finite bound, that bound).
import { parseLabels } from './exposition.ts';

/** Cumulative counts by upper bound (seconds), +Inf last. */
export type Histogram = Map<number, number>;

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;

/** Parses an `le` label ("0.005", "+Inf"). */
export function bound(le: string): number {
  return le === '+Inf' ? Infinity : Number(le);
}

/** Sums `<name>_bucket` over every label set but `le`. */
export function readHistogram(text: string, name: string): Histogram {
  const out: Histogram = new Map();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m || m[1] !== `${name}_bucket`) continue;
    const le = parseLabels(m[2] ?? '').le;
    if (!le) continue;
    out.set(bound(le), (out.get(bound(le)) ?? 0) + Number(m[3]));
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** after − before, bucket by bucket (a bucket missing before counts as 0). */
export function histogramDelta(after: Histogram, before: Histogram): Histogram {
  return new Map([...after].map(([le, n]) => [le, n - (before.get(le) ?? 0)]));
}

/** The q-quantile (0..1) in seconds; null without observations. */
export function quantile(h: Histogram, q: number): number | null {
  return bucketQuantile([...h.keys()], [...h.values()], q);
}

export function requestCount(h: Histogram): number {
  return [...h].at(-1)?.[1] ?? 0;
}

/** The q-quantile of cumulative `counts` at `bounds` (ascending, +Inf last); null when empty. */
export function bucketQuantile(bounds: readonly number[], counts: readonly number[], q: number): number | null {
  const total = counts.at(-1) ?? 0;
  if (!total) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const le = bounds[i]!, count = counts[i]!;
    if (count >= rank) {
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(count - below, 1e-9);
    }
    lower = le;
    below = count;
  }
  return lower;
}
