// The sampled series as points to draw: x in seconds since the run's start, y per interval or
// per sample. A rate is only drawn where the sampler took one (consecutive scrapes of one
// process); elsewhere the point is null, so the line breaks where data is missing.
import { bucketQuantile } from '../../metrics/histogram.ts';
import type { RunSeries, ServiceSample, ServiceSeries } from '../../metrics/types.ts';

/** [seconds since start, value or null] */
export type Point = [number, number | null];

export const secondsSince = (startedAt: number) => (at: number) => Math.round((at - startedAt) / 100) / 10;

/** Requests per second of one route (or all, route null) in each interval. */
export function requestRate(series: ServiceSeries, startedAt: number, route: string | null): Point[] {
  const x = secondsSince(startedAt);
  return series.samples.map((s): Point => {
    if (s.since === null) return [x(s.at), null];
    return [x(s.at), requestsIn(s, route) / ((s.at - s.since) / 1000)];
  });
}

function requestsIn(s: ServiceSample, route: string | null): number {
  if (route !== null) return s.routes[route]?.requests ?? 0;
  return Object.values(s.routes).reduce((n, r) => n + r.requests, 0);
}

/** The q-quantile (seconds) of the requests of each interval; null in an interval without any,
 *  and after a gap or a restart (that interval is not one of the sampling's). */
export function latency(series: ServiceSeries, startedAt: number, route: string | null, q: number): Point[] {
  const x = secondsSince(startedAt);
  const bounds = [...series.bucketBounds, Infinity];
  return series.samples.map((s): Point => {
    if (s.since === null) return [x(s.at), null];
    const parts = route === null ? Object.values(s.routes) : s.routes[route] ? [s.routes[route]] : [];
    const sum: number[] = bounds.map(() => 0);
    for (const p of parts) p.buckets.forEach((n, i) => { sum[i]! += n; });
    return [x(s.at), bucketQuantile(bounds, sum, q)];
  });
}

/** 4xx or 5xx answers in each interval (all routes). */
export function statusCount(series: ServiceSeries, startedAt: number, status: 'status4xx' | 'status5xx'): Point[] {
  const x = secondsSince(startedAt);
  return series.samples.filter((s) => s.since !== null || Object.keys(s.routes).length)
    .map((s): Point => [x(s.at), Object.values(s.routes).reduce((n, r) => n + r[status], 0)]);
}

export function cpuCores(series: ServiceSeries, startedAt: number): Point[] {
  const x = secondsSince(startedAt);
  return series.samples.map((s): Point => [x(s.at), s.cpuCores]);
}

export function rssMiB(series: ServiceSeries, startedAt: number): Point[] {
  const x = secondsSince(startedAt);
  return series.samples.map((s): Point => [x(s.at), s.rssBytes === null ? null : s.rssBytes / 2 ** 20]);
}

/** States in the order they first appeared (a lifecycle order for the stack), with a point per runner sample. */
export function byState(run: RunSeries, startedAt: number, what: 'hosts' | 'clusters'): { state: string; points: Point[] }[] {
  const x = secondsSince(startedAt);
  const states: string[] = [];
  for (const s of run.runner) for (const state of Object.keys(s[what])) if (!states.includes(state)) states.push(state);
  return states.map((state) => ({ state, points: run.runner.map((s): Point => [x(s.at), s[what][state] ?? 0]) }));
}

/** A cumulative count of the runner's view (launched, restarts, patches). */
export function runnerCount(run: RunSeries, startedAt: number, pick: (s: RunSeries['runner'][number]) => number): Point[] {
  const x = secondsSince(startedAt);
  return run.runner.map((s): Point => [x(s.at), pick(s)]);
}

/** Increments of a cumulative count between runner samples (the runner's failed requests per interval). */
export function runnerIncrements(run: RunSeries, startedAt: number, pick: (s: RunSeries['runner'][number]) => number): Point[] {
  const x = secondsSince(startedAt);
  return run.runner.map((s, i): Point => [x(s.at), i === 0 ? 0 : Math.max(0, pick(s) - pick(run.runner[i - 1]!))]);
}
