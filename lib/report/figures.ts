// The figures of a run by name (lib/config/thresholds.ts lists the names and units): what a
// threshold is checked on and what `report compare` sets side by side. Values are in the
// names' units: seconds, cores, MiB, counts.
import { PHASE_NAMES, PHASE_STATS, THRESHOLD_METRICS } from '../config/thresholds.ts';
import type { RunSummary } from './summary.ts';
import { routeFigures, type RouteFigures } from './service.ts';

/** A figure's value for one subject: a route (api.* with route `*`), or the run (null). */
export interface FigureValue {
  readonly subject: string | null;
  readonly value: number | null;
}

/** A named figure with its value, as compare lists them. */
export interface Figure {
  readonly metric: string;
  readonly route: string | null;
  readonly label: string;
  readonly unit: string;
  readonly value: number | null;
}

const MIB = 2 ** 20;

export function unitOf(metric: string): string {
  if (metric.startsWith('phase.')) return 's';
  if (metric.startsWith('profile.')) return '';
  return THRESHOLD_METRICS.find((m) => m.name === metric)?.unit ?? '';
}

/** The routes a threshold's `route` names: one route, a handler for every method merged, or each route (`*`). */
function routesFor(s: NonNullable<RunSummary['service']>, route: string | null): { subject: string | null; figures: RouteFigures }[] {
  if (route === null) return [{ subject: null, figures: s.all }];
  if (route === '*') return s.routes.length ? s.routes.map((r) => ({ subject: r.route, figures: r })) : [{ subject: null, figures: s.all }];
  const exact = s.routes.find((r) => r.route === route);
  if (exact) return [{ subject: route, figures: exact }];
  const sameHandler = s.routes.filter((r) => r.route.slice(r.route.indexOf(' ') + 1) === route);
  return [{ subject: route, figures: routeFigures(route, s.bucketBounds, sameHandler, s.sampledSeconds) }];
}

const API_STATS: Record<string, (r: RouteFigures) => number | null> = {
  requests: (r) => r.requests, p50: (r) => r.p50, p90: (r) => r.p90, p99: (r) => r.p99, '4xx': (r) => r.status4xx, '5xx': (r) => r.status5xx,
};

/** The value(s) of a named figure in a run. */
export function lookup(s: RunSummary, metric: string, route: string | null = null): FigureValue[] {
  const one = (value: number | null | undefined): FigureValue[] => [{ subject: null, value: value ?? null }];
  const [head, a, b] = metric.split('.');
  switch (head) {
    case 'api':
      if (!s.service) return [{ subject: route === '*' ? null : route, value: null }];
      return routesFor(s.service, route).map(({ subject, figures }) => ({ subject, value: API_STATS[a!]!(figures) }));
    case 'service': {
      const svc = s.service;
      if (a === 'restarts') return one(svc?.restarts);
      const pm = a === 'cpu' ? svc?.cpu : svc?.memory;
      const v = b === 'peak' ? pm?.peak : pm?.mean;
      return one(v === null || v === undefined ? null : a === 'memory' ? v / MIB : v);
    }
    case 'phase': {
      const result = s.phases.find((p) => p.phase.to === a)?.summary;
      return one(result ? result[b as (typeof PHASE_STATS)[number]] / 1000 : null);
    }
    case 'hosts':
    case 'clusters': {
      const states = head === 'hosts' ? s.hosts.byFinalState : s.clusters.byFinalState;
      return one(states[a!] ?? 0);
    }
    case 'runner':
      return one(s.runner ? s.runner.apiErrors.hub + s.runner.apiErrors.service : null);
    case 'duration':
      return one(s.durationSeconds);
    case 'profile': {
      const q = s.profile?.queries.find((x) => x.metricName === a);
      return one(q ? q[b as 'min' | 'mean' | 'max' | 'last'] : null);
    }
    default:
      return one(null);
  }
}

const API_LABEL: Record<string, string> = { requests: 'API requests', p50: 'API p50', p90: 'API p90', p99: 'API p99', '4xx': 'API 4xx answers', '5xx': 'API 5xx answers' };

/** How a figure is called in reports. */
export function labelOf(metric: string, route: string | null = null): string {
  const [head, a, b] = metric.split('.');
  const on = route && route !== '*' ? `, ${route}` : route === '*' ? ', each route' : '';
  if (head === 'api') return `${API_LABEL[a!]}${on}`;
  if (head === 'phase') return `container start → ${a}, ${b}`;
  if (head === 'service') return a === 'restarts' ? 'service restarts' : `service ${a === 'cpu' ? 'CPU' : 'memory'} ${b}`;
  if (head === 'profile') return `${a} (Prometheus), ${b}`;
  if (metric === 'runner.apiErrors') return 'runner requests that failed';
  return metric.replace('.', ' ');
}

/** The figures compare sets side by side: the run, its phases, the API overall and per route, the service, the profile. */
export function figuresOf(s: RunSummary): Figure[] {
  const names: [string, string | null][] = [
    ['duration', null], ['clusters.installed', null], ['clusters.failed', null], ['hosts.failed', null],
    ...PHASE_NAMES.flatMap((p) => [[`phase.${p}.p50`, null], [`phase.${p}.p99`, null]] as [string, null][]),
    ['api.requests', null], ['api.p50', null], ['api.p99', null], ['api.4xx', null], ['api.5xx', null],
    ...(s.service?.routes ?? []).flatMap((r) => [['api.p99', r.route], ['api.5xx', r.route]] as [string, string][]),
    ['service.cpu.peak', null], ['service.cpu.mean', null], ['service.memory.peak', null], ['service.memory.mean', null], ['service.restarts', null],
    ['runner.apiErrors', null],
    ...(s.profile?.queries ?? []).flatMap((q) => [[`profile.${q.metricName}.max`, null], [`profile.${q.metricName}.mean`, null]] as [string, null][]),
  ];
  return names.map(([metric, route]) => ({
    metric, route, label: labelOf(metric, route),
    unit: metric.startsWith('profile.') ? s.profile?.queries.find((q) => q.metricName === metric.split('.')[1])?.unit ?? '' : unitOf(metric),
    value: lookup(s, metric, route)[0]!.value,
  }));
}
