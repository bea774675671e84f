// One read of the service's /metrics, reduced to what the report keeps: per route (`METHOD
// handler` of http_request_duration_seconds, codes summed) the cumulative latency buckets and
// the 4xx and 5xx counts; the process' CPU seconds, resident memory and start time (promhttp's
// default registry exposes them); the database pool where a go_sql_* collector is registered.
import { bound } from './histogram.ts';
import { readSamples } from './exposition.ts';
import type { DbReading } from './types.ts';

export const LATENCY = 'http_request_duration_seconds';

/** A route's counters as read: cumulative since the process started. */
export interface RouteReading {
  /** Cumulative counts by upper bound (+Inf included), codes summed. */
  readonly buckets: Map<number, number>;
  status4xx: number;
  status5xx: number;
}

export interface ServiceReading {
  readonly processStart: number | null;
  readonly cpuSeconds: number | null;
  readonly rssBytes: number | null;
  readonly routes: Map<string, RouteReading>;
  readonly db: DbReading | null;
}

const NAMES = new Set([
  `${LATENCY}_bucket`, 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds',
  'go_sql_open_connections', 'go_sql_in_use_connections', 'go_sql_idle_connections', 'go_sql_wait_count_total',
]);

export function routeKey(labels: Readonly<Record<string, string>>): string {
  return `${(labels.method ?? '').toUpperCase() || 'ANY'} ${labels.handler ?? '(no handler)'}`;
}

export function readService(text: string): ServiceReading {
  const routes = new Map<string, RouteReading>();
  const single = new Map<string, number>();
  for (const s of readSamples(text, NAMES)) {
    if (s.name !== `${LATENCY}_bucket`) {
      single.set(s.name, (single.get(s.name) ?? 0) + s.value); // go_sql_* per db_name: summed
      continue;
    }
    if (s.labels.le === undefined) continue;
    const key = routeKey(s.labels);
    let route = routes.get(key);
    if (!route) routes.set(key, (route = { buckets: new Map(), status4xx: 0, status5xx: 0 }));
    const le = bound(s.labels.le);
    route.buckets.set(le, (route.buckets.get(le) ?? 0) + s.value);
    if (le === Infinity) {
      const code = s.labels.code ?? '';
      if (code.startsWith('4')) route.status4xx += s.value;
      if (code.startsWith('5')) route.status5xx += s.value;
    }
  }
  const get = (name: string) => single.get(name) ?? null;
  const db = single.has('go_sql_open_connections')
    ? { open: get('go_sql_open_connections')!, inUse: get('go_sql_in_use_connections') ?? 0, idle: get('go_sql_idle_connections') ?? 0, waitCount: get('go_sql_wait_count_total') ?? 0 }
    : null;
  return { processStart: get('process_start_time_seconds'), cpuSeconds: get('process_cpu_seconds_total'), rssBytes: get('process_resident_memory_bytes'), routes, db };
}
