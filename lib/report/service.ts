// The service's side of a run, from the series the sampler kept: per route the requests, rate,
// latency p50/p90/p99 and 4xx/5xx over the run; CPU (cores) and resident memory, peak and mean;
// the database pool where the service exports it; restarts, and the time without data.
import { bucketQuantile } from '../metrics/histogram.ts';
import type { Gap, ServiceSample, ServiceSeries } from '../metrics/types.ts';

export interface RouteFigures {
  /** `METHOD handler`, or `all` for every request together. */
  readonly route: string;
  readonly requests: number;
  /** Requests per second over the sampled time. */
  readonly perSecond: number | null;
  /** Seconds; null without requests. */
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly status4xx: number;
  readonly status5xx: number;
  /** Cumulative counts per latency bucket (the summary's bucketBounds, then +Inf), to merge routes. */
  readonly buckets: number[];
}

export interface PeakMean {
  readonly peak: number | null;
  readonly mean: number | null;
}

export interface ServiceSummary {
  readonly url: string;
  readonly samples: number;
  /** From the first sample to the last, in seconds: what the rates are over. */
  readonly sampledSeconds: number;
  readonly gaps: Gap[];
  readonly restarts: number;
  readonly bucketBounds: number[];
  readonly all: RouteFigures;
  /** Most requests first. */
  readonly routes: RouteFigures[];
  /** Cores. */
  readonly cpu: PeakMean;
  /** Resident memory, bytes. */
  readonly memory: PeakMean;
  /** Null: the service's /metrics has no go_sql_* (no pool collector registered). */
  readonly db: { readonly open: PeakMean; readonly inUse: PeakMean; readonly waits: number } | null;
}

const add = (a: number[], b: readonly number[]) => b.forEach((n, i) => { a[i] = (a[i] ?? 0) + n; });

export function routeFigures(route: string, bounds: number[], parts: { requests: number; status4xx: number; status5xx: number; buckets: readonly number[] }[], seconds: number): RouteFigures {
  const buckets: number[] = [];
  let requests = 0, status4xx = 0, status5xx = 0;
  for (const p of parts) {
    add(buckets, p.buckets);
    requests += p.requests;
    status4xx += p.status4xx;
    status5xx += p.status5xx;
  }
  const at = [...bounds, Infinity];
  const q = (x: number) => bucketQuantile(at, buckets, x);
  return { route, requests, perSecond: seconds > 0 ? requests / seconds : null, p50: q(0.5), p90: q(0.9), p99: q(0.99), status4xx, status5xx, buckets };
}

export function peakMean(values: (number | null)[], weights?: number[]): PeakMean {
  let peak: number | null = null, sum = 0, total = 0;
  values.forEach((v, i) => {
    if (v === null) return;
    const w = weights?.[i] ?? 1;
    peak = peak === null ? v : Math.max(peak, v);
    sum += v * w;
    total += w;
  });
  return { peak, mean: total > 0 ? sum / total : null };
}

export function summarizeService(series: ServiceSeries): ServiceSummary {
  const { samples, bucketBounds } = series;
  const seconds = samples.length > 1 ? (samples.at(-1)!.at - samples[0]!.at) / 1000 : 0;
  const byRoute = new Map<string, ServiceSample['routes'][string][]>();
  for (const s of samples) {
    for (const [route, delta] of Object.entries(s.routes)) {
      if (!byRoute.has(route)) byRoute.set(route, []);
      byRoute.get(route)!.push(delta);
    }
  }
  const routes = [...byRoute].map(([route, parts]) => routeFigures(route, bucketBounds, parts, seconds))
    .sort((a, b) => b.requests - a.requests || a.route.localeCompare(b.route));
  // CPU mean weighted by each rate's interval: the CPU seconds over the time they were measured in.
  const cpu = peakMean(samples.map((s) => s.cpuCores), samples.map((s) => (s.since === null ? 0 : s.at - s.since)));
  const withDb = samples.filter((s) => s.db);
  return {
    url: series.url,
    samples: samples.length,
    sampledSeconds: seconds,
    gaps: series.gaps,
    restarts: samples.filter((s) => s.restarted).length,
    bucketBounds,
    all: routeFigures('all', bucketBounds, routes, seconds),
    routes,
    cpu,
    memory: peakMean(samples.map((s) => s.rssBytes)),
    db: withDb.length
      ? { open: peakMean(withDb.map((s) => s.db!.open)), inUse: peakMean(withDb.map((s) => s.db!.inUse)), waits: withDb.at(-1)!.db!.waitCount - withDb[0]!.db!.waitCount }
      : null,
  };
}
