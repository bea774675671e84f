// Turns successive reads of the service's /metrics into samples of what changed in between.
// Counters are only compared within one process: a new process_start_time_seconds, or CPU
// seconds going down, is a restart, after which counters count from 0 again (so what they
// show is what happened since). A route's counters going down on their own (its series went
// away and came back) start that route again the same way. A rate (CPU cores) is only taken
// between two samples of the same process with no failed scrape between them: a rate over a
// missing sample once showed 3798 cores on a 2-core machine.
import type { RouteReading, ServiceReading } from './service-reading.ts';
import type { RouteDelta, ServiceSample } from './types.ts';

/** Cumulative counts at `bounds` then +Inf; a bound a route lacks takes the next one above. */
export function alignBuckets(buckets: ReadonlyMap<number, number>, bounds: readonly number[]): number[] {
  const present = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? Math.max(0, ...buckets.values());
  const at = (b: number) => {
    const above = present.find((p) => p >= b);
    return above === undefined ? total : buckets.get(above)!;
  };
  return [...bounds.map(at), total];
}

export class ServiceDeltas {
  /** Latency bucket bounds (finite), fixed by the first read that has any. */
  bounds: number[] = [];
  private previous: { at: number; reading: ServiceReading } | null = null;
  /** Each route as last read (it may be missing from some reads). */
  private readonly lastSeen = new Map<string, { buckets: number[]; status4xx: number; status5xx: number }>();

  /** The sample of a successful read; `consecutive`: no scrape failed since the previous one. */
  next(at: number, reading: ServiceReading, consecutive: boolean): ServiceSample {
    if (!this.bounds.length) {
      const first = reading.routes.values().next().value as RouteReading | undefined;
      if (first) this.bounds = [...first.buckets.keys()].filter(Number.isFinite).sort((a, b) => a - b);
    }
    const prev = this.previous;
    const restarted = prev !== null && isRestart(prev.reading, reading);
    if (restarted) this.lastSeen.clear();
    const deltas = this.routeDeltas(reading);
    // The first read is the baseline: requests before it are not the run's.
    const routes = prev ? deltas : {};
    const since = prev && consecutive && !restarted ? prev.at : null;
    const cpuCores = since !== null && at > since && reading.cpuSeconds !== null && prev!.reading.cpuSeconds !== null
      ? (reading.cpuSeconds - prev!.reading.cpuSeconds) / ((at - since) / 1000)
      : null;
    this.previous = { at, reading };
    return {
      at, since, ...(restarted ? { restarted: true as const } : {}),
      cpuSeconds: reading.cpuSeconds, cpuCores, rssBytes: reading.rssBytes, routes, db: reading.db,
    };
  }

  private routeDeltas(reading: ServiceReading): Record<string, RouteDelta> {
    const out: Record<string, RouteDelta> = {};
    for (const [key, route] of reading.routes) {
      const now = { buckets: alignBuckets(route.buckets, this.bounds), status4xx: route.status4xx, status5xx: route.status5xx };
      const last = this.lastSeen.get(key);
      this.lastSeen.set(key, now);
      const reset = !last || now.buckets.some((n, i) => n < last.buckets[i]!) || now.status4xx < last.status4xx || now.status5xx < last.status5xx;
      const base = reset ? { buckets: now.buckets.map(() => 0), status4xx: 0, status5xx: 0 } : last;
      const buckets = now.buckets.map((n, i) => n - base.buckets[i]!);
      const requests = buckets.at(-1)!;
      if (requests > 0) out[key] = { requests, status4xx: now.status4xx - base.status4xx, status5xx: now.status5xx - base.status5xx, buckets };
    }
    return out;
  }
}

function isRestart(before: ServiceReading, after: ServiceReading): boolean {
  if (before.processStart !== null && after.processStart !== null && before.processStart !== after.processStart) return true;
  return before.cpuSeconds !== null && after.cpuSeconds !== null && after.cpuSeconds < before.cpuSeconds;
}
