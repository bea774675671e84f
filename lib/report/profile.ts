// A metrics profile's queries over the run (report.prometheus): per query its series, and the
// lowest, mean, highest and last value over all of them; a query the server refused, with why.
import type { Gap, ProfileSeries } from '../metrics/types.ts';

export interface QueryFigures {
  readonly metricName: string;
  readonly query: string;
  readonly unit: string | null;
  /** Series seen (label sets). */
  readonly series: number;
  readonly min: number | null;
  readonly mean: number | null;
  readonly max: number | null;
  /** The highest series' value at the last sample. */
  readonly last: number | null;
  readonly error: string | null;
}

export interface ProfileSummary {
  readonly url: string;
  readonly samples: number;
  readonly gaps: Gap[];
  readonly queries: QueryFigures[];
}

export function summarizeProfile(p: ProfileSeries): ProfileSummary {
  return {
    url: p.url,
    samples: p.samples.length,
    gaps: p.gaps,
    queries: p.queries.map((q) => {
      const keys = new Set<string>();
      const all: number[] = [];
      let last: number | null = null;
      for (const s of p.samples) {
        const values = s.values[q.metricName];
        if (!values) continue;
        Object.keys(values).forEach((k) => keys.add(k));
        const finite = Object.values(values).filter(Number.isFinite);
        all.push(...finite);
        if (finite.length) last = Math.max(...finite);
      }
      return {
        metricName: q.metricName, query: q.query, unit: q.unit, series: keys.size,
        min: all.length ? all.reduce((a, b) => Math.min(a, b)) : null,
        mean: all.length ? all.reduce((a, b) => a + b, 0) / all.length : null,
        max: all.length ? all.reduce((a, b) => Math.max(a, b)) : null,
        last,
        error: p.errors[q.metricName] ?? null,
      };
    }),
  };
}
